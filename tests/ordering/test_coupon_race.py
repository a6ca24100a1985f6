"""Shoppers racing for the last use of a code, on PostgreSQL, each on its own connection:
one order gets the discount, the others a clear message and no order.

Two races: whole checkouts (which also queue on the shop row for the order number), and
the conditional UPDATE alone, with every racer having read "one use left" before any
writes, so the UPDATE's own condition is what decides.
"""

from __future__ import annotations

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from shop import ordering
from shop.extensions import db
from shop.models import Discount, Order, Shop
from shop.ordering import Customer, OrderError
from shop.ordering.coupon_edits import save_discount
from shop.ordering.coupons import choose, take_use
from tests.storefront.shopper import build_shop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]

RACERS = 10
NOW = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def ids(app):
    ids = build_shop(app)
    with app.app_context():
        save_discount(
            db.session.get(Shop, ids.shop), None, code="ULTIMO", name="", kind="percent",
            value=1000, max_uses=1,
        )  # fmt: skip
        db.session.commit()
    return ids


def _run(racers: int, attempt) -> list[str]:
    with ThreadPoolExecutor(max_workers=racers) as pool:
        return list(pool.map(attempt, range(racers)))


def test_racing_checkouts_give_the_last_use_to_one_order(app, ids):
    ready = threading.Barrier(RACERS)

    def attempt(_n: int) -> str:
        with app.test_request_context():
            shop = db.session.get(Shop, ids.shop)
            ready.wait(timeout=30)
            try:
                ordering.checkout(
                    shop, [(ids.shirt, 1)], shipping_method_id=ids.pickup,
                    customer=Customer(name="Ana"), idempotency_key=uuid.uuid4().hex,
                    now=NOW, coupon_code="ultimo",
                )  # fmt: skip
            except OrderError as error:
                db.session.rollback()
                return f"refused: {error.message}"
            db.session.commit()
            return "ordered"

    results = _run(RACERS, attempt)
    assert results.count("ordered") == 1, results
    assert all("used up" in r for r in results if r != "ordered"), results
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1
        assert db.session.scalar(select(Discount.uses)) == 1


def test_the_conditional_update_alone_lets_one_racer_through(app, ids):
    ready = threading.Barrier(RACERS)

    def attempt(_n: int) -> str:
        with app.test_request_context():
            shop = db.session.get(Shop, ids.shop)
            cart = ordering.price_cart(shop, [(ids.shirt, 1)], ids.pickup)
            chosen = choose(shop, cart, "ULTIMO", NOW)  # every racer sees one use left
            assert chosen is not None
            ready.wait(timeout=30)
            try:
                take_use(chosen, "")
            except OrderError as error:
                db.session.rollback()
                return f"refused: {error.message}"
            db.session.commit()
            return "taken"

    results = _run(RACERS, attempt)
    assert results.count("taken") == 1, results
    with app.app_context():
        assert db.session.scalar(select(Discount.uses)) == 1


# The same shopper's number, written as people write it: one customer for the limit.
SAME_NUMBER = (
    "612 34 56 78",
    "+34 612-345-678",
    "0034612345678",
    "+34612345678",
    "(+34) 612 345 678",
    "612345678",
    "+34 612 34 56 78",
    "0034 612-34-56-78",
    "+34.612.345.678",
    "612-345-678",
)


def test_racing_checkouts_by_one_customer_give_their_one_use_to_one_order(app, ids):
    """Limit 1 per customer, no total limit: the same number at the very same instant,
    each racer through the real checkout route on its own connection."""
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        shop.ask_phone = "optional"
        save_discount(
            shop, None, code="UNAVEZ", name="", kind="percent", value=1000,
            max_uses_per_customer=1,
        )  # fmt: skip
        db.session.commit()
    app.config["CLOCK"] = lambda: NOW
    ready = threading.Barrier(len(SAME_NUMBER))

    def attempt(n: int):
        client = app.test_client()
        body = {
            "lines": [{"item_id": ids.shirt, "quantity": 1}],
            "shipping_method_id": ids.pickup,
            "name": f"Ana {n}",
            "phone": SAME_NUMBER[n],
            "idempotency_key": uuid.uuid4().hex,
            "coupon": "unavez",
        }
        ready.wait(timeout=30)
        response = client.post("/s/tienda-sol/checkout", json=body)
        return response.status_code, response.get_json()

    results = _run(len(SAME_NUMBER), attempt)
    ordered = [answer for status, answer in results if status == 200]
    refused = [answer for status, answer in results if status != 200]
    assert len(ordered) == 1, results
    assert {
        (status, answer["field"], answer["error"]) for status, answer in results if status != 200
    } == {(422, "coupon", "You have already used this code.")}, results
    assert len(refused) == len(SAME_NUMBER) - 1
    with app.app_context():
        orders = db.session.scalars(select(Order)).all()
        assert [(o.customer_phone, o.discount_code) for o in orders] == [("+34612345678", "UNAVEZ")]
        assert db.session.scalar(select(Discount.uses).where(Discount.code == "unavez")) == 1
    # The refused shoppers' carts are theirs still: the same cart orders without the code.
    client = app.test_client()
    again = client.post(
        "/s/tienda-sol/checkout",
        json={
            "lines": [{"item_id": ids.shirt, "quantity": 1}],
            "shipping_method_id": ids.pickup,
            "name": "Ana",
            "phone": SAME_NUMBER[1],
            "idempotency_key": uuid.uuid4().hex,
            "coupon": "",
        },
    )
    assert again.status_code == 200, again.get_json()
