"""A catalog big enough to come in parts (storefront/fast/parts.py), for the storefront's
and the browser's tests."""

from __future__ import annotations

from dataclasses import dataclass

from shop.extensions import db
from shop.models import Availability, Item
from tests import factories

SIZES = {"Cuencos": 70, "Tazas": 50, "Platos": 50, "Jarrones": 50, "Teteras": 30}


@dataclass
class Catalog:
    shop: int
    categories: dict[str, int]
    visible: set[int]
    hidden: set[int]
    first_item: int


def build_big_catalog(app) -> Catalog:
    """265 visible items: five categories (70, 50, 50, 50, 30) and 15 without one, plus
    hidden items that no part may show."""
    with app.app_context():
        shop = factories.make_shop(
            factories.make_user(), slug="grande", name="Cerámica Grande", language="en"
        )
        categories = {
            name: factories.make_category(shop, name, position=n) for n, name in enumerate(SIZES)
        }
        items = [
            Item(
                shop=shop,
                category=categories[name],
                name=f"{name} {n} 🌻",
                price_minor=1000 + n,
                position=n,
            )
            for name, size in SIZES.items()
            for n in range(size)
        ]
        items += [
            Item(shop=shop, name=f"Suelta {n}", price_minor=500, position=n) for n in range(15)
        ]
        hidden = [
            Item(
                shop=shop,
                category=categories["Platos"],
                name=f"Oculta {n}",
                price_minor=1,
                availability=Availability.HIDDEN,
                position=n,
            )
            for n in range(3)
        ]
        db.session.add_all(items + hidden)
        db.session.commit()
        return Catalog(
            shop=shop.id,
            categories={name: category.id for name, category in categories.items()},
            visible={item.id for item in items},
            hidden={item.id for item in hidden},
            first_item=items[0].id,
        )
