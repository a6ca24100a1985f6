"""Two tabs move the same order at the same moment, on PostgreSQL, each on its own
connection: one move is recorded, the other is told the order changed, stock moves once.

The compare-and-set UPDATE ... WHERE status = <what this tab saw> makes the second
writer wait on the first one's row lock, then find no row to change.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Activity, Item, Order, OrderStatus
from shop.ordering.statuses import StatusChangeError, change_status
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]


def _order_with_stock(app) -> tuple[int, int]:
    """A new order that took 2 of an item's stock (3 left); returns (order id, item id)."""
    with app.app_context():
        shop = factories.make_shop(factories.make_user())
        item = factories.make_item(shop, factories.make_category(shop), stock=3)
        order = factories.make_order(shop, lines=[("Pan", 100, 2)])
        order.lines[0].item_id = item.id
        order.lines[0].stock_taken = {"item": True}
        db.session.commit()
        return order.id, item.id


def _race(app, order_id: int, targets: list[str]) -> list[str]:
    """Each target in its own thread, session and connection, all loaded before any moves."""
    loaded = threading.Barrier(len(targets))

    def move(target: str) -> str:
        with app.test_request_context():
            order = db.session.get(Order, order_id)
            assert order.status == OrderStatus.NEW
            loaded.wait(timeout=30)  # every tab has seen "new" before anyone writes
            try:
                change_status(order, target)
            except StatusChangeError as error:
                db.session.rollback()
                return f"refused: {error}"
            db.session.commit()
            return f"moved: {target}"

    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        return list(pool.map(move, targets))


def _recorded(app, order_id: int) -> tuple[OrderStatus, list[OrderStatus]]:
    with app.app_context():
        changes = db.session.scalars(
            select(Activity.status).where(Activity.order_id == order_id).order_by(Activity.id)
        )
        return db.session.get(Order, order_id).status, list(changes)


@pytest.mark.parametrize("attempt", range(3))
def test_two_tabs_confirming_at_once_record_one_confirmation(app, attempt):
    order_id, _item = _order_with_stock(app)
    results = _race(app, order_id, ["confirmed", "confirmed"])
    assert sorted(r.split(":")[0] for r in results) == ["moved", "refused"]
    assert any("already confirmed" in r for r in results)
    assert _recorded(app, order_id) == (OrderStatus.CONFIRMED, ["new", "confirmed"])


@pytest.mark.parametrize("attempt", range(3))
def test_confirm_and_cancel_at_once_give_one_result_and_stock_moves_once(app, attempt):
    order_id, item_id = _order_with_stock(app)
    results = _race(app, order_id, ["confirmed", "cancelled"])

    assert sorted(r.split(":")[0] for r in results) == ["moved", "refused"]
    status, history = _recorded(app, order_id)
    winner = next(r for r in results if r.startswith("moved")).split(": ")[1]
    assert status == OrderStatus(winner)
    assert history == ["new", winner]
    loser = next(r for r in results if r.startswith("refused"))
    assert "cannot be changed" in loser or "changed meanwhile" in loser
    with app.app_context():
        stock = db.session.get(Item, item_id).stock
    assert stock == (5 if winner == "cancelled" else 3)


def test_a_cancel_waits_for_a_checkout_holding_the_shop_row_instead_of_deadlocking(app):
    """Checkout takes the shop row (its number), then an item's row (stock). Cancelling
    gives stock back, and the stock's trigger moves the shop's catalog version: had the
    cancel locked the item first, a checkout of the same item would deadlock with it.
    Here a checkout is held between its two steps on a connection of its own."""
    from sqlalchemy import text

    order_id, item_id = _order_with_stock(app)
    with app.app_context():
        shop_id = db.session.get(Order, order_id).shop_id
        engine = db.engine
    checkout = engine.connect()
    checkout.begin()
    checkout.execute(
        text("UPDATE shop SET next_order_number = next_order_number + 1 WHERE id = :id"),
        {"id": shop_id},
    )

    def cancel() -> str:
        with app.test_request_context():
            change_status(db.session.get(Order, order_id), "cancelled")
            db.session.commit()
            return "cancelled"

    with ThreadPoolExecutor(max_workers=1) as pool:
        cancelling = pool.submit(cancel)
        threading.Event().wait(0.5)  # the cancel is now waiting for the shop row
        assert not cancelling.done()
        checkout.execute(
            text("UPDATE item SET stock = stock - 1 WHERE id = :id"), {"id": item_id}
        )  # would wait on the cancel's item lock, which waits on us: a deadlock
        checkout.commit()
        checkout.close()
        assert cancelling.result(timeout=30) == "cancelled"
    with app.app_context():
        assert db.session.get(Item, item_id).stock == 3 - 1 + 2
        assert db.session.get(Order, order_id).status == OrderStatus.CANCELLED
