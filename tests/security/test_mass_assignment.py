"""Fields no form has are ignored (ASVS V2.2 business logic, V8.2 authorization).

Each post carries what an attacker would add: another shop's id, another owner, a
chosen id, a status, prices, counters. The forms read only their own fields, so the
row lands where the signed-in merchant works, with values the server decided.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from shop.extensions import db
from shop.models import (
    Category,
    Item,
    OptionGroup,
    Order,
    OrderStatus,
    PaymentKind,
    PaymentMethod,
    ShippingMethod,
    Shop,
    User,
    VariantStock,
)
from tests.security.world import shop_row

SMUGGLED = {
    "id": "999",
    "shop_id": None,  # set per test to the rival's shop
    "owner_id": None,  # set per test to the rival merchant
    "owner": "1",
    "user_id": "1",
    "status": "delivered",
    "position": "-5",
    "catalog_version": "-1",
    "next_order_number": "1",
    "created_at": "1999-01-01",
    "price_minor": "1",
    "logo_id": "1",
}


def smuggled(world) -> dict:
    return SMUGGLED | {"shop_id": str(world.rival_shop), "owner_id": str(world.user + 1)}


def newest(app, model):
    with app.app_context():
        row = db.session.scalar(select(model).order_by(model.id.desc()).limit(1))
        db.session.expunge(row)
        return row


def test_a_new_item_lands_in_the_merchants_shop_whatever_the_post_says(app, client, world):
    form = {"name": "Nueva", "price": "9.99", "availability": "available", "category": ""}
    response = client.post("/dashboard/items/new", data=form | smuggled(world))
    assert response.status_code == 302
    item = newest(app, Item)
    assert (item.shop_id, item.name, item.price_minor) == (world.shop, "Nueva", 999)
    assert item.id != 999
    assert item.position >= 0


def test_editing_an_item_cannot_move_it_to_another_shop(app, client, world):
    form = {"name": "Cambiada", "price": "1.00", "availability": "available", "category": ""}
    client.post(f"/dashboard/items/{world.item}/edit", data=form | smuggled(world))
    with app.app_context():
        item = db.session.get(Item, world.item)
        assert (item.shop_id, item.name, item.price_minor) == (world.shop, "Cambiada", 100)
        assert db.session.get(Item, 999) is None


def test_categories_and_shipping_methods_land_in_the_merchants_shop(app, client, world):
    client.post("/dashboard/categories", data={"name": "Nueva"} | smuggled(world))
    category = newest(app, Category)
    assert (category.shop_id, category.name) == (world.shop, "Nueva")
    assert category.position >= 0
    form = {"name": "Moto", "price": "2.00", "kind": "delivery", "active": "y"}
    client.post("/dashboard/shipping/new", data=form | smuggled(world))
    method = newest(app, ShippingMethod)
    assert (method.shop_id, method.name, method.price_minor) == (world.shop, "Moto", 200)


def test_settings_cannot_change_the_owner_or_the_counters(app, client, world):
    before = shop_row(app, world.shop)
    form = {
        "name": "Nuevo nombre",
        "description": "",
        "slug": world.slug,
        "country": "ES",
        "phone": "612345678",
        "currency": "EUR",
        "language": "en",
    }
    assert client.post("/dashboard/settings", data=form | smuggled(world)).status_code == 302
    after = shop_row(app, world.shop)
    assert after.name == "Nuevo nombre"
    assert (after.id, after.owner_id, after.next_order_number, after.logo_id) == (
        before.id,
        before.owner_id,
        before.next_order_number,
        before.logo_id,
    )
    assert after.catalog_version > before.catalog_version
    assert shop_row(app, world.rival_shop).name == "Rival"


def test_setting_up_a_shop_makes_it_the_signed_in_merchants(app, client, world):
    form = {
        "name": "Otra tienda",
        "slug": "",
        "country": "ES",
        "phone": "612345678",
        "currency": "EUR",
        "language": "es",
    }
    assert client.post("/dashboard/setup", data=form | smuggled(world)).status_code == 302
    shop = newest(app, Shop)
    assert (shop.name, shop.owner_id, shop.next_order_number) == ("Otra tienda", world.user, 1)


def test_an_order_status_post_changes_only_the_status(app, client, world):
    with app.app_context():
        before = db.session.get(Order, world.order)
        total, number = before.total_minor, before.number
    data = smuggled(world) | {"status": "confirmed", "total_minor": "1", "number": "77"}
    client.post(f"/dashboard/orders/{world.order}/status", data=data)
    with app.app_context():
        order = db.session.get(Order, world.order)
        assert (order.status, order.total_minor, order.number, order.shop_id) == (
            OrderStatus.CONFIRMED,
            total,
            number,
            world.shop,
        )


def test_checkout_ignores_prices_statuses_and_shops_from_the_shopper(app, world):
    body = {
        "lines": [
            {
                "item_id": world.item,
                "quantity": 2,
                "price": 1,
                "unit_price_minor": 1,
                "name": "Gratis",
                "shop_id": world.rival_shop,
            }
        ],
        "name": "Ana",
        "address": "Calle Mayor 1",
        "shipping_method_id": world.method,
        "idempotency_key": str(uuid.uuid4()),
        "total": 0,
        "total_minor": 0,
        "subtotal_minor": 0,
        "shipping_price_minor": 0,
        "status": "delivered",
        "number": 999,
        "token": "x" * 43,
        "shop_id": world.rival_shop,
        "currency": "JPY",
        "language": "xx",
    }
    response = app.test_client().post(f"/s/{world.slug}/checkout", json=body)
    assert response.status_code == 200
    order = newest(app, Order)
    assert order.shop_id == world.shop
    assert order.status == OrderStatus.NEW
    assert order.number == 2  # the world's order was number 1
    assert order.token != "x" * 43
    assert (order.currency, order.language) == ("EUR", "en")
    assert (order.subtotal_minor, order.shipping_price_minor, order.total_minor) == (
        4000,
        300,
        4300,
    )
    with app.app_context():
        (line,) = db.session.get(Order, order.id).lines
        assert (line.name, line.unit_price_minor, line.quantity) == ("Camiseta azul", 2000, 2)


def test_the_no_javascript_checkout_ignores_them_too(app, world):
    form = {
        "item_id": str(world.item),
        "quantity": "1",
        "name": "Ana",
        "address": "Calle Mayor 1",
        "shipping_method_id": str(world.method),
        "idempotency_key": uuid.uuid4().hex,
        "price": "0",
        "total": "0",
        "status": "delivered",
        "shop_id": str(world.rival_shop),
    }
    response = app.test_client().post(f"/s/{world.slug}/checkout", data=form)
    assert response.status_code == 303
    order = newest(app, Order)
    assert (order.shop_id, order.status, order.total_minor) == (world.shop, OrderStatus.NEW, 2300)


# -- Issues 6 and 7: rules, payments, options, stock, suspension, operators ------------

PRIVILEGED = {
    "suspended_at": "2000-01-01 00:00:00",
    "suspension_reason": "x",
    "suspended_by": "me@example.com",
    "is_operator": "y",
    "greeting_text": "{shop.__class__}",
    "min_order_minor": "-5",
    "opening_hours": '{"0": [["00:00", "24:00"]]}',
    "item_id": None,  # set per test to the rival's item
    "group_id": "1",
    "price_delta_minor": "-99999",
    "stock": "0",
    "active": "y",
}


def privileged(world) -> dict:
    return smuggled(world) | PRIVILEGED | {"item_id": str(world.rival_item)}


def assert_not_an_operator_nor_suspended(app, world) -> None:
    with app.app_context():
        assert not db.session.get(User, world.user).is_operator
        for shop_id in (world.shop, world.rival_shop):
            shop = db.session.get(Shop, shop_id)
            assert (shop.suspended_at, shop.suspension_reason) == (None, "")


def test_settings_cannot_suspend_a_shop_or_make_an_operator(app, client, world):
    form = {
        "name": "Tienda Sol",
        "slug": world.slug,
        "country": "ES",
        "phone": "612345678",
        "currency": "EUR",
        "language": "en",
    }
    assert client.post("/dashboard/settings", data=form | privileged(world)).status_code == 302
    assert_not_an_operator_nor_suspended(app, world)
    after = shop_row(app, world.shop)
    assert (after.greeting_text, after.min_order_minor, after.opening_hours) == ("", 0, None)


def test_the_rules_form_changes_only_the_rules_of_the_merchants_shop(app, client, world):
    rival = shop_row(app, world.rival_shop)
    form = {
        "min_order": "10",
        "time_zone": "Europe/Madrid",
        "closed_policy": "note",
        "greeting": "Hola {shop}",
        "closing": "",
    }
    assert client.post("/dashboard/rules", data=form | privileged(world)).status_code == 302
    after = shop_row(app, world.shop)
    assert (after.min_order_minor, after.greeting_text, after.opening_hours) == (
        1000,
        "Hola {shop}",
        None,
    )
    assert (after.owner_id, after.next_order_number) == (world.user, 2)
    untouched = shop_row(app, world.rival_shop)
    assert (untouched.min_order_minor, untouched.greeting_text) == (0, "")
    assert untouched.catalog_version == rival.catalog_version
    assert_not_an_operator_nor_suspended(app, world)


def test_a_payment_method_lands_in_the_merchants_shop(app, client, world):
    form = {"kind": "other", "name": "Bizum", "details": "612"} | privileged(world)
    assert client.post("/dashboard/payments", data=form).status_code == 302
    method = newest(app, PaymentMethod)
    assert (method.shop_id, method.name, method.kind) == (world.shop, "Bizum", PaymentKind.OTHER)
    assert method.id != 999
    assert method.position >= 0
    edit = {"kind": "cash", "name": "Efectivo", "details": "", "active": "y"} | privileged(world)
    client.post(f"/dashboard/payments/{world.payment}/edit", data=edit)
    with app.app_context():
        assert db.session.get(PaymentMethod, world.payment).shop_id == world.shop


def test_an_option_group_lands_on_its_item_with_the_typed_prices(app, client, world):
    form = {
        "new-name": "Extras",
        "new-kind": "other",
        "new-min_choices": "0",
        "new-max_choices": "1",
        "new-choices": "Bordado | +1.50",
    } | privileged(world)
    response = client.post(f"/dashboard/items/{world.cap}/options", data=form)
    assert response.status_code == 302
    group = newest(app, OptionGroup)
    assert group.item_id == world.cap
    with app.app_context():
        (choice,) = db.session.get(OptionGroup, group.id).choices
        assert (choice.name, choice.price_delta_minor) == ("Bordado", 150)
        assert (
            db.session.scalars(
                select(OptionGroup).join(Item).where(Item.shop_id == world.rival_shop)
            ).all()
            == []
        )


def test_variant_stock_reads_only_its_own_fields(app, client, world):
    small, _medium = world.choices
    data = {f"stock-{small}": "4"} | privileged(world)
    response = client.post(f"/dashboard/items/{world.cap}/variant-stock", data=data)
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(VariantStock)).all()
        assert [(row.item_id, row.key, row.stock) for row in rows] == [(world.cap, str(small), 4)]
        assert db.session.get(Item, world.cap).stock is None


def test_checkout_takes_no_price_stock_or_payment_text_from_the_shopper(app, world):
    small, _medium = world.choices
    with app.app_context():
        db.session.add(PaymentMethod(shop_id=world.shop, kind="other", name="Bizum", details="612"))
        db.session.commit()
        payment = newest(app, PaymentMethod).id
    body = {
        "lines": [
            {
                "item_id": world.cap,
                "quantity": 1,
                "choices": [small],
                "price_delta_minor": -850,
                "unit_price_minor": 0,
                "stock": 999,
                "options_text": "Gratis",
            }
        ],
        "name": "Ana",
        "address": "Calle Mayor 1",
        "shipping_method_id": world.method,
        "payment_method_id": payment,
        "payment_name": "Pagado",
        "payment_details": "javascript:alert(1)",
        "payment_kind": "link",
        "closed_note": "x",
        "idempotency_key": str(uuid.uuid4()),
    }
    shopper = app.test_client()
    assert shopper.post(f"/s/{world.slug}/checkout", json=body).status_code == 200
    order = newest(app, Order)
    assert (order.payment_name, order.payment_details, order.payment_kind) == (
        "Bizum",
        "612",
        "other",
    )
    assert order.closed_note == ""
    assert order.total_minor == 850 + 300
    with app.app_context():
        (line,) = db.session.get(Order, order.id).lines
        assert (line.unit_price_minor, line.options_text) == (850, "Talla: S")
    # A choice that names its own price is not a choice id: the line is refused whole.
    body |= {"idempotency_key": str(uuid.uuid4())}
    body["lines"][0]["choices"] = [{"id": small, "price_delta_minor": -850}]
    refused = shopper.post(f"/s/{world.slug}/checkout", json=body)
    assert refused.status_code == 422
    assert newest(app, Order).id == order.id
