"""On PostgreSQL an activity row's foreign key share-locks its shop's key: a paid mark
(which holds the order's row, then records) racing a cancel (which locks the shop, then
the order) must queue, never deadlock. Each side in its own thread and connection."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Activity, ActivityKind, Item, Order, OrderStatus
from shop.ordering.paid import PaymentMarkError, mark_paid
from shop.ordering.statuses import StatusChangeError, change_status
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]


def _order_with_stock(app) -> int:
    with app.app_context():
        shop = factories.make_shop(factories.make_user())
        item = factories.make_item(shop, None, stock=3)
        order = factories.make_order(shop, lines=[("Pan", 100, 2)])
        order.lines[0].item_id = item.id
        order.lines[0].stock_taken = {"item": True}
        db.session.commit()
        return order.id


@pytest.mark.parametrize("attempt", range(5))
def test_a_paid_mark_and_a_cancel_at_once_both_land_without_a_deadlock(app, attempt):
    order_id = _order_with_stock(app)
    ready = threading.Barrier(2)

    def act(what: str) -> str:
        with app.test_request_context():
            order = db.session.get(Order, order_id)
            ready.wait(timeout=30)
            try:
                if what == "paid":
                    mark_paid(order, "Efectivo")
                else:
                    change_status(order, OrderStatus.CANCELLED)
            except (PaymentMarkError, StatusChangeError) as error:
                db.session.rollback()
                return f"refused: {error}"
            db.session.commit()
            return what

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(act, ["paid", "cancel"]))
    assert results == ["paid", "cancel"]
    with app.app_context():
        kinds = db.session.scalars(
            select(Activity.kind).where(Activity.order_id == order_id).order_by(Activity.id)
        ).all()
        assert sorted(kinds[1:]) == sorted([ActivityKind.PAYMENT, ActivityKind.STATUS])
        assert db.session.get(Order, order_id).paid_at is not None
        assert db.session.scalar(select(Item.stock).where(Item.shop_id.isnot(None))) == 5
