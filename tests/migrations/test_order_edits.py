"""0022: orders and history from a 0020 database arrive as what they were (version 0,
sent by shoppers, every history row a status move), and can be edited; going back down
drops the edit rows and columns and keeps the orders and their moves."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from shop.extensions import db
from shop.models import ActivityKind, Order, OrderStatus, Shop
from shop.ordering.edits import Edit, edit_order
from shop.ordering.statuses import status_history
from tests import factories
from tests.migrations.test_order_flow import _fill_as_0010

BEFORE = "0020_coupons"


def test_existing_orders_and_history_arrive_unchanged_and_can_be_edited(database_at):
    old = database_at(BEFORE)
    tokens = _fill_as_0010(old)

    old.upgrade()

    with old.app.test_request_context():
        orders = {o.token: o for o in db.session.scalars(select(Order))}
        assert set(orders) == set(tokens.values())
        for status, token in tokens.items():
            order = orders[token]
            assert (order.version, order.by_merchant) == (0, False)
            assert order.customer_name == "Zoë 🌻"
            assert order.status == OrderStatus(status)
            assert [s for s, _when in status_history(order)][-1] == OrderStatus(status)
            assert all(
                (c.kind, c.details) == (ActivityKind.STATUS, None) for c in order.status_changes
            )
        order = orders[tokens["confirmed"]]
        shop = db.session.scalars(select(Shop)).one()
        bread = factories.make_item(shop, None, name="Pan 🥖", price_minor=1200)
        db.session.commit()
        edit_order(
            order,
            Edit(quantities={order.lines[0].id: 0}, added=[(bread.id, 2)]),
            seen_version=0,
        )
        db.session.commit()
        order = db.session.get(Order, order.id)
        assert [(line.name, line.quantity) for line in order.lines] == [("Pan 🥖", 2)]
        assert order.total_minor == 2400 + 300
        assert order.status_changes[-1].kind == ActivityKind.EDIT
        db.session.remove()


def test_downgrade_drops_the_edits_and_keeps_the_orders_and_moves(database_at):
    old = database_at(BEFORE)
    tokens = _fill_as_0010(old)
    old.upgrade("0022_order_edits")  # the last revision with order_status_change
    with old.connection() as conn:
        moves = conn.execute(text("SELECT count(*) FROM order_status_change")).scalar_one()
        order_id = conn.execute(
            text("SELECT id FROM shop_order WHERE token = :t"), {"t": tokens["new"]}
        ).scalar_one()
    old.execute(
        "INSERT INTO order_status_change (order_id, status, changed_at, note, kind)"
        " VALUES (:o, 'new', CURRENT_TIMESTAMP, '', 'edit')",
        o=order_id,
    )

    old.upgrade(BEFORE, downgrade=True)

    with old.connection() as conn:
        rows = dict(conn.execute(text("SELECT token, status FROM shop_order")).all())
        assert rows == {token: status for status, token in tokens.items()}
        count = conn.execute(text("SELECT count(*) FROM order_status_change")).scalar_one()
        assert count == moves
        columns = {c["name"] for c in inspect(conn).get_columns("order_status_change")}
        assert not columns & {"kind", "details"}
        columns = {c["name"] for c in inspect(conn).get_columns("shop_order")}
        assert not columns & {"version", "by_merchant"}
