"""The checkout's write path in few statements (issue 18): what a plain cart costs the
database, counted through the real route, so a change that adds a round trip shows here.

Speed is measured by `make bench` (benchmarks/checkout.py); this pins the count.
"""

from __future__ import annotations

import uuid

import pytest

from shop.extensions import db
from shop.models import Availability, Item, PaymentKind, ShippingMethod, Shop
from shop.ordering import payments, shipping
from shop.ordering.coupon_edits import save_discount
from tests.storefront.shopper import build_shop, next_number, orders
from tests.storefront.test_performance import counting

PLAIN_CART = 6  # the limit for two products and pickup


@pytest.fixture
def ids(app):
    return build_shop(app)


def _post(client, ids, lines, method):
    body = {
        "lines": [{"item_id": item, "quantity": quantity} for item, quantity in lines],
        "shipping_method_id": method,
        "name": "Ana 🛍️",
        "idempotency_key": uuid.uuid4().hex,
    }
    return client.post("/s/tienda-sol/checkout", json=body)


def test_a_plain_cart_is_recorded_in_six_statements(app, client, ids):
    _post(client, ids, [(ids.shirt, 1)], ids.pickup)  # a warm app, as under load
    with counting(app) as statements:
        response = _post(client, ids, [(ids.shirt, 1), (ids.cap, 2)], ids.pickup)
    assert response.status_code == 200, response.get_json()
    assert len(statements) <= PLAIN_CART, statements
    order = orders(app, ids.shop)[-1]
    assert [(line.name, line.quantity) for line in order.lines] == [
        ("Camiseta azul", 1),
        ("Gorra", 2),
    ]


def test_a_method_switched_off_is_refused_at_the_next_checkout(app, client, ids):
    """The kept shipping and payment methods follow the catalog version: a change made
    between two checkouts of a warm app is seen by the second."""
    assert _post(client, ids, [(ids.shirt, 1)], ids.pickup).status_code == 200
    with app.app_context():
        shipping.set_active(db.session.get(ShippingMethod, ids.pickup), False)
        db.session.commit()
    refused = _post(client, ids, [(ids.shirt, 1)], ids.pickup)
    assert refused.status_code == 422
    assert "no longer offered" in refused.get_json()["error"]
    assert len(orders(app, ids.shop)) == 1


def test_a_payment_method_added_is_asked_for_at_the_next_checkout(app, client, ids):
    assert _post(client, ids, [(ids.shirt, 1)], ids.pickup).status_code == 200
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        payments.create_method(shop, kind=PaymentKind.CASH.value, name="Efectivo 💶", details="")
        db.session.commit()
    refused = _post(client, ids, [(ids.shirt, 1)], ids.pickup)
    assert refused.status_code == 422
    assert refused.get_json()["field"] == "payment"


def test_a_retry_after_the_product_sold_out_returns_the_order_and_takes_nothing(app, client, ids):
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 1}],
        "shipping_method_id": ids.pickup,
        "name": "Ana",
        "idempotency_key": uuid.uuid4().hex,
    }
    first = client.post("/s/tienda-sol/checkout", json=body)
    with app.app_context():
        db.session.get(Item, ids.shirt).availability = Availability.SOLD_OUT
        db.session.commit()
    again = client.post("/s/tienda-sol/checkout", json=body)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert len(orders(app, ids.shop)) == 1
    assert next_number(app, ids.shop) == 2


COUPON_EXTRA = 2  # issue 24: a typed code costs at most two more statements


def test_a_coupon_adds_at_most_two_statements(app, client, ids):
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        save_discount(
            shop, None, code="VERANO10", name="", kind="percent", value=1000, max_uses=5,
            max_uses_per_customer=None,
        )  # fmt: skip
        db.session.commit()
    _post(client, ids, [(ids.shirt, 1)], ids.pickup)  # a warm app
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 1}, {"item_id": ids.cap, "quantity": 2}],
        "shipping_method_id": ids.pickup,
        "name": "Ana 🛍️",
        "idempotency_key": uuid.uuid4().hex,
        "coupon": "verano10",
    }
    with counting(app) as statements:
        response = client.post("/s/tienda-sol/checkout", json=body)
    assert response.status_code == 200, response.get_json()
    assert len(statements) <= PLAIN_CART + COUPON_EXTRA, statements
    order = orders(app, ids.shop)[-1]
    assert (order.discount_code, order.discount_minor) == ("VERANO10", 370)


def test_a_plain_cart_in_a_shop_with_an_automatic_discount_costs_one_more(app, client, ids):
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        save_discount(shop, None, code="", name="Sale", kind="fixed", value=100)
        db.session.commit()
    _post(client, ids, [(ids.shirt, 1)], ids.pickup)
    with counting(app) as statements:
        response = _post(client, ids, [(ids.shirt, 1), (ids.cap, 2)], ids.pickup)
    assert response.status_code == 200, response.get_json()
    assert len(statements) <= PLAIN_CART + 1, statements
    assert orders(app, ids.shop)[-1].discount_minor == 100
