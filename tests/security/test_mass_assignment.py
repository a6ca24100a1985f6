"""Fields no form has are ignored (ASVS V2.2 business logic, V8.2 authorization).

Each post carries what an attacker would add: another shop's id, another owner, a
chosen id, a status, prices, counters. The forms read only their own fields, so the
row lands where the signed-in merchant works, with values the server decided.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from shop.extensions import db
from shop.models import Category, Item, Order, OrderStatus, ShippingMethod, Shop
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
