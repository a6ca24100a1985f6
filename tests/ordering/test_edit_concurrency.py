"""Races on PostgreSQL, each side on its own connection, lined up by a barrier: an edit
and a checkout for the last units, two tabs editing one order, and orders recorded by
hand numbered among shoppers' orders.
"""

from __future__ import annotations

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from shop import ordering
from shop.extensions import db
from shop.models import Activity, Item, Order, OrderLine, Shop, User
from shop.ordering import Customer, OrderError
from shop.ordering.edits import Edit, edit_order
from shop.ordering.manual import record_order
from tests.storefront.shopper import build_shop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]


def _setup(app, stock: int):
    """A shop whose shirt has `stock` units, and an order of one cap to edit."""
    ids = build_shop(app)
    with app.test_request_context():
        db.session.get(Item, ids.shirt).stock = stock
        order, _ = ordering.checkout(
            db.session.get(Shop, ids.shop),
            [(ids.cap, 1)],
            shipping_method_id=ids.delivery,
            customer=Customer(name="Ana", address="Calle Mayor 1"),
            idempotency_key=str(uuid.uuid4()),
        )
        db.session.commit()
        return ids, order.id


def _run(tasks):
    """Each task in its own thread and session; all load their rows before any writes."""
    ready = threading.Barrier(len(tasks))

    def run(task):
        return task(ready)

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(run, tasks))


def _editor(app, order_id, edit, seen=0):
    def task(ready):
        with app.test_request_context():
            order = db.session.get(Order, order_id)
            order.lines  # noqa: B018 - loaded before the race, as a form would have
            ready.wait(timeout=30)
            try:
                edit_order(order, edit, seen_version=seen)
            except OrderError as error:
                db.session.rollback()
                return f"refused: {error.message}"
            db.session.commit()
            return "edited"

    return task


def _shopper(app, ids, lines):
    def task(ready):
        with app.test_request_context():
            shop = db.session.get(Shop, ids.shop)
            ready.wait(timeout=30)
            try:
                ordering.checkout(
                    shop,
                    lines,
                    shipping_method_id=ids.delivery,
                    customer=Customer(name="Eva", address="Calle Luna 2"),
                    idempotency_key=str(uuid.uuid4()),
                )
            except OrderError as error:
                db.session.rollback()
                return f"refused: {error.message}"
            db.session.commit()
            return "ordered"

    return task


@pytest.mark.parametrize("attempt", range(3))
def test_an_edit_and_a_checkout_for_the_last_unit_sell_it_once(app, attempt):
    ids, order_id = _setup(app, stock=1)
    results = _run(
        [
            _editor(app, order_id, Edit(added=[(ids.shirt, 1)])),
            _shopper(app, ids, [(ids.shirt, 1)]),
        ]
    )
    assert sorted(result.split(":")[0] for result in results) in (
        ["edited", "refused"],
        ["ordered", "refused"],
    ), results
    with app.app_context():
        assert db.session.get(Item, ids.shirt).stock == 0
        shirts = db.session.scalar(
            select(db.func.count())
            .select_from(Order)
            .join(Order.lines)
            .where(Order.shop_id == ids.shop, OrderLine.item_id == ids.shirt)
        )
        assert shirts == 1


@pytest.mark.parametrize("attempt", range(3))
def test_raising_a_quantity_races_a_checkout_and_stock_never_goes_below_zero(app, attempt):
    ids, order_id = _setup(app, stock=3)
    with app.test_request_context():
        edit_order(db.session.get(Order, order_id), Edit(added=[(ids.shirt, 1)]), seen_version=0)
        db.session.commit()  # 2 shirts left
        line_id = db.session.get(Order, order_id).lines[-1].id
    results = _run(
        [
            _editor(app, order_id, Edit(quantities={line_id: 3}), seen=1),  # wants 2 more
            _shopper(app, ids, [(ids.shirt, 2)]),
        ]
    )
    assert sorted(result.split(":")[0] for result in results) in (
        ["edited", "refused"],
        ["ordered", "refused"],
    ), results
    with app.app_context():
        assert db.session.get(Item, ids.shirt).stock == 0


@pytest.mark.parametrize("attempt", range(3))
def test_two_tabs_editing_one_order_one_wins_the_other_is_told(app, attempt):
    _ids, order_id = _setup(app, stock=10)
    with app.app_context():
        line_id = db.session.get(Order, order_id).lines[0].id
    results = _run(
        [
            _editor(app, order_id, Edit(quantities={line_id: 2})),
            _editor(app, order_id, Edit(quantities={line_id: 5})),
        ]
    )
    assert sorted(r.split(":")[0] for r in results) == ["edited", "refused"], results
    assert "changed meanwhile" in next(r for r in results if r.startswith("refused"))
    with app.app_context():
        order = db.session.get(Order, order_id)
        edits = db.session.scalars(
            select(Activity).where(Activity.order_id == order_id, Activity.kind == "edit")
        ).all()
        assert order.version == 1
        assert len(edits) == 1
        assert order.lines[0].quantity == edits[0].details["after"]["lines"][0]["quantity"]


def test_orders_recorded_by_hand_are_numbered_in_sequence_with_shoppers(app):
    ids, _order_id = _setup(app, stock=100)  # order #1
    with app.app_context():
        owner_id = db.session.get(Shop, ids.shop).owner_id

    def merchant(ready):
        with app.test_request_context():
            shop = db.session.get(Shop, ids.shop)
            owner = db.session.get(User, owner_id)
            ready.wait(timeout=30)
            _order, created = record_order(
                shop,
                [(ids.shirt, 1)],
                shipping_method_id=ids.pickup,
                customer=Customer(name="Por teléfono"),
                payment_method_id=None,
                paid=False,
                idempotency_key=str(uuid.uuid4()),
                by=owner,
            )
            assert created
            db.session.commit()
            return "ordered"

    tasks = [merchant, _shopper(app, ids, [(ids.shirt, 1)])] * 4
    assert _run(tasks) == ["ordered"] * 8
    with app.app_context():
        rows = db.session.execute(
            select(Order.number, Order.by_merchant).where(Order.shop_id == ids.shop)
        ).all()
        assert sorted(number for number, _ in rows) == list(range(1, 10))
        assert sum(1 for _, by in rows if by) == 4
        assert db.session.get(Item, ids.shirt).stock == 92
