"""The counts the orders list shows are kept by the database (shop.models.order_counts):
whatever writes an order, they equal a count of the orders themselves."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text, update

from shop.extensions import db
from shop.models import Order, OrderCount, OrderStatus, Shop
from shop.ordering.edits import Edit, edit_order
from shop.ordering.order_list import list_counts
from shop.ordering.paid import mark_paid, mark_unpaid
from shop.ordering.statuses import change_status
from tests import factories


def _kept(shop_id: int) -> dict:
    rows = db.session.execute(
        select(OrderCount.status, OrderCount.paid, OrderCount.orders).where(
            OrderCount.shop_id == shop_id
        )
    )
    return {(status, bool(paid)): n for status, paid, n in rows if n}


def _recounted(shop_id: int) -> dict:
    rows = db.session.execute(
        select(Order.status, Order.paid_at.is_not(None), func.count())
        .where(Order.shop_id == shop_id)
        .group_by(Order.status, Order.paid_at.is_not(None))
    )
    return {(str(status), bool(paid)): n for status, paid, n in rows}


def _changes(shop_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(OrderCount.changes), 0)).where(OrderCount.shop_id == shop_id)
    )


def test_every_kind_of_write_keeps_the_counts_equal_to_the_orders(app):
    with app.test_request_context():
        owner = factories.make_user()
        shop = factories.make_shop(owner)
        other = factories.make_shop(factories.make_user("Eva"), slug="eva")
        item = factories.make_item(shop, factories.make_category(shop), price_minor=500)
        orders = [factories.make_order(shop, customer_name=f"Zoë 🌻 {n}") for n in range(6)]
        factories.make_order(other, status="confirmed")
        db.session.commit()
        assert _kept(shop.id) == _recounted(shop.id) == {("new", False): 6}

        change_status(orders[0], OrderStatus.CONFIRMED, by=owner)
        change_status(orders[1], OrderStatus.CANCELLED, by=owner)
        mark_paid(orders[2], "Bizum", by=owner)
        mark_paid(orders[3], "Efectivo", by=owner)
        mark_unpaid(orders[3], orders[3].paid_at)
        orders[4].status = OrderStatus.PREPARING  # an ORM flush, not the statuses module
        db.session.flush()
        db.session.execute(  # raw SQL too: the triggers see every write
            update(Order).where(Order.id == orders[5].id).values(status=OrderStatus.DELIVERED)
        )
        db.session.commit()
        assert _kept(shop.id) == _recounted(shop.id)
        assert _kept(other.id) == {("confirmed", False): 1}

        order = orders[2]
        order.lines[0].item_id = item.id
        db.session.commit()
        before = _changes(shop.id)
        edit_order(order, Edit(quantities={order.lines[0].id: 1}), seen_version=order.version)
        db.session.commit()
        assert _changes(shop.id) == before + 1  # an edit moves the news check, not the counts
        assert _kept(shop.id) == _recounted(shop.id)

        db.session.delete(orders[0])
        db.session.commit()
        assert _kept(shop.id) == _recounted(shop.id)
        tally = list_counts(shop)
        assert tally.counts == {
            OrderStatus.NEW: 2, OrderStatus.CANCELLED: 1, OrderStatus.PREPARING: 1,
            OrderStatus.DELIVERED: 1,
        }  # fmt: skip
        assert (tally.paid, tally.unpaid, tally.total) == (1, 3, 5)
        assert tally.latest == max(o.id for o in orders[1:])


def test_the_news_mark_moves_with_every_order_move_and_mark(app):
    with app.test_request_context():
        owner = factories.make_user()
        shop = factories.make_shop(owner)
        order = factories.make_order(shop)
        db.session.commit()
        seen = [list_counts(shop)]
        change_status(order, OrderStatus.CONFIRMED, by=owner)
        seen.append(list_counts(shop))
        mark_paid(order, "Bizum", by=owner)
        seen.append(list_counts(shop))
        newer = factories.make_order(shop)
        seen.append(list_counts(shop))
        assert [t.changes for t in seen] == sorted({t.changes for t in seen})  # always grows
        assert seen[-1].latest == newer.id


def test_a_deleted_shop_takes_its_counts_with_it(app):
    with app.app_context():
        shop = factories.make_shop(factories.make_user())
        factories.make_order(shop)
        db.session.commit()
        shop_id = shop.id
        db.session.execute(text("DELETE FROM shop WHERE id = :id"), {"id": shop_id})
        db.session.commit()
        assert _kept(shop_id) == {}
        assert db.session.get(Shop, shop_id) is None


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
)
def test_moves_in_opposite_directions_at_once_never_deadlock_nor_drift(app):
    """Each thread moves its own orders back and forth, out of step with the others, so
    the (status, paid) rows are wanted in both orders at once; the triggers lock them in
    key order, so every transaction commits and the counts still match."""
    with app.app_context():
        shop = factories.make_shop(factories.make_user())
        ids = [factories.make_order(shop).id for _ in range(4)]
        for order_id in ids[::2]:
            db.session.execute(
                update(Order).where(Order.id == order_id).values(status=OrderStatus.CONFIRMED)
            )
        db.session.commit()
        shop_id = shop.id
    start = threading.Barrier(len(ids))

    def flip(order_id: int) -> int:
        moved = 0
        with app.app_context():
            start.wait(timeout=30)
            for round_ in range(25):
                order = db.session.get(Order, order_id)
                order.status = (
                    OrderStatus.NEW
                    if order.status == OrderStatus.CONFIRMED
                    else OrderStatus.CONFIRMED
                )
                if round_ % 3 == 0:
                    order.paid_at = None if order.paid_at else func.now()
                db.session.commit()
                moved += 1
            db.session.remove()
        return moved

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        assert list(pool.map(flip, ids)) == [25] * len(ids)
    with app.app_context():
        assert _kept(shop_id) == _recounted(shop_id)
        assert sum(_kept(shop_id).values()) == len(ids)
