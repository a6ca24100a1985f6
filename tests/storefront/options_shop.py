"""A shop whose T-shirt has a size, a colour and optional extras, for the options tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shop.extensions import db
from tests import factories


@dataclass
class OptionIds:
    shop: int
    slug: str
    shirt: int
    plain: int  # an item without options
    s: int
    m: int
    l: int  # noqa: E741 - the size
    blue: int
    red: int
    print_: int  # extra, +5,00
    gift: int  # extra, -1,00
    delivery: int
    other_choice: int  # a choice of another item


def build_options_shop(app, language="es", **fields) -> OptionIds:
    with app.app_context():
        owner = factories.make_user()
        shop = factories.make_shop(owner, slug="moda", name="Moda Sol", language=language)
        shirt = factories.make_item(shop, None, name="Camiseta", price_minor=2000, **fields)
        size = factories.make_group(shirt, "Talla", ["S", "M", ("L", 200)], kind="size")
        color = factories.make_group(shirt, "Color", ["azul", "rojo"], kind="color")
        extras = factories.make_group(
            shirt, "Extras", [("Estampado", 500), ("Regalo", -100)], min_choices=0, max_choices=2
        )
        plain = factories.make_item(shop, None, name="Gorra", price_minor=850)
        other = factories.make_item(shop, None, name="Bolso", price_minor=3000)
        other_group = factories.make_group(other, "Tamaño", ["Grande"])
        delivery = factories.make_shipping(shop)
        db.session.commit()
        s, m, l_ = size.choices
        blue, red = color.choices
        print_, gift = extras.choices
        return OptionIds(
            shop.id,
            shop.slug,
            shirt.id,
            plain.id,
            s.id,
            m.id,
            l_.id,
            blue.id,
            red.id,
            print_.id,
            gift.id,
            delivery.id,
            other_group.choices[0].id,
        )


def checkout_body(ids: OptionIds, lines: list[dict], **fields) -> dict:
    body = {
        "lines": lines,
        "name": "Ana",
        "shipping_method_id": ids.delivery,
        "address": "Calle Mayor 1, Madrid",
        "notes": "",
        "idempotency_key": str(uuid.uuid4()),
    }
    return body | fields
