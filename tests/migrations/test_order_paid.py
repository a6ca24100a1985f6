"""0015: orders of every status from a 0014 database arrive unpaid, nothing else moves,
and they can be marked paid; going back down drops the mark and keeps the orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, select, text

from shop.extensions import db
from shop.models import Order
from shop.ordering.paid import mark_paid
from tests.migrations.test_order_flow import ROUND_ONE, _fill_as_0010

BEFORE = "0014_analytics"
NOW = datetime(2026, 12, 5, 12, 0)


def test_existing_orders_arrive_unpaid_and_unchanged(database_at):
    old = database_at(BEFORE)
    tokens = _fill_as_0010(old)
    old.execute(
        "UPDATE shop_order SET status = 'preparing', customer_phone = '+34600111222'"
        " WHERE token = :t",
        t=tokens["confirmed"],
    )

    old.upgrade()

    with old.app.test_request_context():
        orders = {o.token: o for o in db.session.scalars(select(Order))}
        assert set(orders) == set(tokens.values())
        for status, token in tokens.items():
            order = orders[token]
            assert (order.paid_at, order.paid_method, order.paid_reference) == (None, "", "")
            assert order.customer_name == "Zoë 🌻"
            assert order.status.value == ("preparing" if status == "confirmed" else status)
            assert len(order.lines) == 1
        assert orders[tokens["confirmed"]].customer_phone == "+34600111222"
        shop = orders[tokens["new"]].shop
        assert (shop.stale_after_minutes, shop.email_new_orders) == (15, False)
        assert shop.catalog_version == 5  # private settings: the public pages did not move
        order = orders[tokens["delivered"]]
        mark_paid(order, "Efectivo", "R-1", by=order.shop.owner, now=NOW)
        db.session.commit()
        assert db.session.get(Order, order.id).paid_by_id == order.shop.owner_id
        db.session.remove()
    assert len(ROUND_ONE) == 4


def test_downgrade_drops_the_paid_mark_and_keeps_the_orders(database_at):
    old = database_at(BEFORE)
    tokens = _fill_as_0010(old)
    old.upgrade()
    old.execute("UPDATE shop_order SET paid_at = :now, paid_method = 'Efectivo'", now=NOW)

    old.upgrade(BEFORE, downgrade=True)

    with old.connection() as conn:
        rows = dict(conn.execute(text("SELECT token, status FROM shop_order")).all())
        assert rows == {token: status for status, token in tokens.items()}
        columns = {c["name"] for c in inspect(conn).get_columns("shop_order")}
        assert not columns & {"paid_at", "paid_method", "paid_reference", "paid_by_id"}
