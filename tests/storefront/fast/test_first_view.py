"""first_view: the shop page's first view read in one statement is exactly what the
whole catalog, split by parts.first_parts, gives (same sections, rows, sizes, parts),
on catalogs of every shape around the limits of parts.py."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import event

from shop.extensions import db
from shop.models import Availability, Item
from shop.storefront.fast.first_view import first_view
from shop.storefront.fast.parts import FIRST_CARDS, LAZY_ABOVE, PART_SIZE, first_parts
from shop.storefront.fast.rows import read_shop, shop_sections
from tests import factories


def _build(app, sizes: list[int], *, loose: int = 0, seed: int = 0) -> str:
    """A shop with a category per size (shuffled positions, some equal), `loose` items
    without a category, hidden and sold-out items among them, equal item positions."""
    rng = random.Random(seed)
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), name="Forma 🍵")
        categories = [
            factories.make_category(shop, f"Categoría {n} ñ", position=rng.randint(0, 3))
            for n in range(len(sizes))
        ]
        items = []
        for category, size in [*zip(categories, sizes, strict=True), (None, loose)]:
            for n in range(size):
                items.append(
                    Item(
                        shop=shop,
                        category=category,
                        name=f"Pieza {n} 🌻",
                        price_minor=100 + n,
                        position=rng.randint(0, size // 2),
                        availability=rng.choice(
                            [Availability.AVAILABLE] * 8 + [Availability.SOLD_OUT]
                        ),
                    )
                )
            if category is not None:  # hidden ones count nowhere
                items += [
                    Item(
                        shop=shop,
                        category=category,
                        name="Oculta",
                        price_minor=1,
                        position=rng.randint(0, 3),
                        availability=Availability.HIDDEN,
                    )
                    for _ in range(rng.randint(0, 3))
                ]
        db.session.add_all(items)
        db.session.commit()
        return shop.slug


def _shape(sections) -> list[tuple]:
    return [(s.category_id, s.category_name, s.items, s.total, s.part, s.more) for s in sections]


SHAPES = {
    "empty": ([], 0),
    "small": ([3, 0, 5], 2),
    "sent whole at the limit": ([60, 60], 0),
    "one over the limit": ([60, 60], 1),
    "parts of every size": ([PART_SIZE - 1, PART_SIZE, PART_SIZE + 1, 1, 2, 70, 5], 9),
    "first section is big": ([400, 30, 30], 4),
    "first sections just under FIRST_CARDS": ([FIRST_CARDS - 1, 1, 1, 200], 0),
    "many small ones": ([7] * 30, 3),
    "only loose items": ([], LAZY_ABOVE + 30),
}


@pytest.mark.parametrize("name", SHAPES)
def test_the_first_view_is_the_whole_catalog_split_in_parts(app, name):
    sizes, loose = SHAPES[name]
    slug = _build(app, sizes, loose=loose, seed=len(name))
    with app.test_request_context(f"/s/{slug}"):
        shop = read_shop(db.session.connection(), slug)
        expected = [_shape(part) for part in first_parts(shop_sections(shop))]
        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            got = [_shape(part) for part in first_view(shop)]
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    assert got == expected
    assert len(statements) == 1


def test_the_first_view_reads_no_other_shop(app):
    mine = _build(app, [70, 70], seed=1)
    _build(app, [90, 5], loose=3, seed=2)
    with app.test_request_context(f"/s/{mine}"):
        shop = read_shop(db.session.connection(), mine)
        shown, later = first_view(shop)
        ids = {row[0] for section in shown + later for row in section.items}
        with db.session.no_autoflush:
            owners = {db.session.get(Item, item_id).shop_id for item_id in ids}
    assert owners == {shop.id}
    assert sum(section.total for section in shown + later) == 140
