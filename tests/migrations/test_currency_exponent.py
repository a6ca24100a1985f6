"""0008: every existing shop and order keeps the prices it showed before Babel 2.19.

The rows are written as the code of revision 0007 wrote them: amounts in minor units
of Babel 2.16-2.18's digits for the currency (COP in cents, CLP and JPY in units, KWD in
fils). After the migration each page shows the same price as before the library update.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from babel.numbers import parse_decimal
from sqlalchemy import select

from shop.extensions import db
from shop.models import Item, Order, ShippingMethod, Shop
from shop.shops.settings import change_currency

BEFORE = "0007_form_submissions"
NOW = datetime(2026, 12, 1, 12, 0)

# (currency, language, WhatsApp, item price as stored, how 0007 showed it with Babel
# 2.18, the same price as it shows now, the page locale). RSD went the other way in
# Babel 2.19 (0 digits to 2): its amounts were written in whole dinars and stay so.
SHOPS = [
    ("COP", "es", "+573001234567", 123456700, "$1.234.567,00", "$1.234.567", "es_CO"),
    ("CLP", "es", "+56912345678", 15990, "$15.990", "$15.990", "es_CL"),
    ("KWD", "en", "+96550012345", 1234567, "KWD1,234.567", "KWD1,234.567", "en"),
    ("EUR", "es", "+34612345678", 123450, "1.234,50\xa0€", "1.234,50\xa0€", "es_ES"),
    ("JPY", "en", "+81312345678", 1235, "¥1,235", "¥1,235", "en"),
    ("RSD", "en", "+381601234567", 1234, "RSD1,234", "RSD1,234", "en"),
]


def _shop_written_by_0007(old, owner_id: int, currency: str, language: str, whatsapp: str,
                          price: int) -> dict:  # fmt: skip
    slug = f"tienda-{currency.lower()}"
    shop_id = old.insert(
        "shop", owner_id=owner_id, slug=slug, name=f"Tienda {currency}", description="",
        whatsapp=whatsapp, currency=currency, language=language, paused=False,
        pause_message="", catalog_version=1, next_order_number=2, created_at=NOW,
        updated_at=NOW, min_order_minor=price, time_zone="", closed_policy="refuse",
    )  # fmt: skip
    item_id = old.insert(
        "item", shop_id=shop_id, name="Jarrón", description="", price_minor=price,
        compare_at_minor=price * 2, code="J-1", availability="available", is_service=False,
        position=0, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    group_id = old.insert(
        "option_group", item_id=item_id, name="Tamaño", kind="size", min_choices=1,
        max_choices=1, position=0,
    )  # fmt: skip
    old.insert("option_choice", group_id=group_id, name="XL", price_delta_minor=price, position=0)
    old.insert(
        "shipping_method", shop_id=shop_id, name="Envío", price_minor=price,
        needs_address=True, active=True, position=0, free_above_minor=price * 10,
    )  # fmt: skip
    order_id = old.insert(
        "shop_order", shop_id=shop_id, number=1, token=f"token-{slug}".ljust(43, "x"),
        idempotency_key=f"key-{slug}", status="new", currency=currency, language=language,
        customer_name="Ana", customer_address="Calle 1", customer_notes="",
        shipping_name="Envío", shipping_price_minor=price, shipping_needs_address=True,
        subtotal_minor=price, total_minor=price * 2, created_at=NOW,
    )  # fmt: skip
    old.insert(
        "order_line", order_id=order_id, item_id=item_id, position=0, name="Jarrón",
        code="J-1", unit_price_minor=price, quantity=1, line_total_minor=price,
    )  # fmt: skip
    old.insert("order_status_change", order_id=order_id, status="new", changed_at=NOW)
    return {"slug": slug, "item_id": item_id, "token": f"token-{slug}".ljust(43, "x")}


@pytest.fixture
def migrated_shops(database_at):
    old = database_at(BEFORE)
    owner_id = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    made = {
        currency: _shop_written_by_0007(old, owner_id, currency, language, whatsapp, price)
        for currency, language, whatsapp, price, *_ in SHOPS
    }
    old.upgrade()
    return old.app, made


def _amount(text: str, locale: str) -> Decimal:
    number = "".join(ch for ch in text if ch.isdigit() or ch in ".,")
    return parse_decimal(number, locale=locale)


@pytest.mark.parametrize(
    ("currency", "price", "before", "after", "locale"),
    [(c, p, b, a, loc) for c, _lang, _w, p, b, a, loc in SHOPS],
)
def test_every_page_shows_the_price_it_showed_before(
    migrated_shops, currency, price, before, after, locale
):
    app, made = migrated_shops
    shop = made[currency]
    assert _amount(before, locale) == _amount(after, locale)
    client = app.test_client()

    shop_page = client.get(f"/s/{shop['slug']}").get_data(as_text=True)
    assert after in shop_page
    product = client.get(f"/s/{shop['slug']}/p/{shop['item_id']}").get_data(as_text=True)
    assert after in product
    order_page = client.get(f"/o/{shop['token']}").get_data(as_text=True)
    assert after in order_page  # the line and the shipping: the order's own amounts
    feed = client.get(f"/s/{shop['slug']}/catalog.csv").get_data(as_text=True)
    exponent = {"COP": 2, "CLP": 0, "KWD": 3, "EUR": 2, "JPY": 0, "RSD": 0}[currency]
    assert f"{Decimal(price).scaleb(-exponent) * 2:.{exponent}f} {currency}" in feed


def test_the_stored_exponent_is_what_the_amounts_were_written_in(migrated_shops):
    app, _made = migrated_shops
    with app.app_context():
        shops = {s.currency: s.currency_exponent for s in db.session.scalars(select(Shop))}
        orders = {o.currency: o.currency_exponent for o in db.session.scalars(select(Order))}
    written_with = {"COP": 2, "CLP": 0, "KWD": 3, "EUR": 2, "JPY": 0, "RSD": 0}
    assert shops == written_with
    assert orders == written_with


def test_changing_currency_after_the_migration_rescales_every_amount(migrated_shops):
    """A COP shop written in cents moving to CLP (no decimals): every amount of the shop
    is divided by 100, options, free-shipping thresholds and the minimum included; its
    orders keep their own currency and exponent."""
    app, made = migrated_shops
    with app.app_context():
        shop = db.session.scalars(select(Shop).where(Shop.currency == "COP")).one()
        change_currency(shop, "CLP")
        db.session.commit()
        db.session.expire_all()
        assert (shop.currency, shop.currency_exponent, shop.min_order_minor) == ("CLP", 0, 1234567)
        item = db.session.get(Item, made["COP"]["item_id"])
        assert (item.price_minor, item.compare_at_minor) == (1234567, 2469134)
        assert item.option_groups[0].choices[0].price_delta_minor == 1234567
        method = db.session.scalars(
            select(ShippingMethod).where(ShippingMethod.shop_id == shop.id)
        ).one()
        assert (method.price_minor, method.free_above_minor) == (1234567, 12345670)
        order = db.session.scalars(select(Order).where(Order.shop_id == shop.id)).one()
        assert (order.currency, order.currency_exponent, order.total_minor) == ("COP", 2, 246913400)
