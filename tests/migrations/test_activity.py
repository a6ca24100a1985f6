"""0029: an order's history (order_status_change) becomes the shop's activity log. Every
row of a 0025 database moves over with its id, order, shop, time, person, note, kind and
details; new rows follow the old ids; going back down keeps every move and edit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, select, text

from shop.extensions import db
from shop.models import ActivityKind, Order, OrderStatus, Shop, User
from shop.ordering.statuses import change_status, status_changes
from tests.migrations.test_order_flow import _fill_as_0010

BEFORE = "0028_option_variants"
LATER = datetime(2026, 12, 5, 9, 30)


def _fill_as_0025(old) -> tuple[dict[str, str], list[tuple]]:
    """Round-one orders with their moves, plus a move by a person with a note and an edit
    with details, as the code of 0025 wrote them; returns tokens and every history row."""
    tokens = _fill_as_0010(old)
    with old.connection() as conn:
        user = conn.execute(text("SELECT id FROM user_account")).scalar_one()
        order = conn.execute(
            text("SELECT id FROM shop_order WHERE token = :t"), {"t": tokens["new"]}
        ).scalar_one()
    old.insert(
        "order_status_change", order_id=order, status="new", changed_at=LATER,
        changed_by_id=user, note="Sin cebolla 🧅", kind="edit",
        details='{"before": {"total_minor": 1300}, "after": {"total_minor": 2300}}',
    )  # fmt: skip
    with old.connection() as conn:
        history = conn.execute(
            text(
                "SELECT id, order_id, status, changed_at, changed_by_id, note, kind"
                " FROM order_status_change ORDER BY id"
            )
        ).all()
    return tokens, [tuple(row) for row in history]


def test_every_history_row_moves_over_unchanged_with_its_shop(database_at):
    old = database_at(BEFORE)
    tokens, history = _fill_as_0025(old)

    old.upgrade()

    with old.connection() as conn:
        tables = set(inspect(conn).get_table_names())
        assert "order_status_change" not in tables
        moved = conn.execute(
            text(
                "SELECT id, order_id, status, changed_at, changed_by_id, note, kind"
                " FROM activity ORDER BY id"
            )
        ).all()
        shops = set(conn.execute(text("SELECT DISTINCT shop_id FROM activity")).scalars())
    assert [tuple(row) for row in moved] == history
    with old.app.test_request_context():
        shop = db.session.scalars(select(Shop)).one()
        assert shops == {shop.id}
        orders = {o.token: o for o in db.session.scalars(select(Order))}
        edited = orders[tokens["new"]]
        edit = edited.status_changes[-1]
        assert (edit.kind, edit.note, edit.subject) == (
            ActivityKind.EDIT,
            "Sin cebolla 🧅",
            f"#{edited.number}",
        )
        assert edit.details["after"]["total_minor"] == 2300
        assert edit.changed_by.name == "Ana"
        delivered = orders[tokens["delivered"]]
        assert [c.status for c in status_changes(delivered)] == [
            OrderStatus.NEW,
            OrderStatus.CONFIRMED,
            OrderStatus.DELIVERED,
        ]
        # New rows follow the moved ones (PostgreSQL's sequence was moved past them).
        ana = db.session.scalars(select(User)).one()
        change = change_status(orders[tokens["new"]], OrderStatus.CONFIRMED, by=ana)
        db.session.commit()
        assert change.id > max(row[0] for row in history)
        assert change.shop_id == shop.id
        db.session.remove()


def test_downgrade_keeps_every_move_and_edit_and_drops_the_rest(database_at):
    old = database_at(BEFORE)
    _tokens, history = _fill_as_0025(old)
    old.upgrade()
    with old.app.test_request_context():
        from shop.activity import record

        shop = db.session.scalars(select(Shop)).one()
        record(shop, ActivityKind.PRICE, "Pan", details={"price_minor": [1000, 1200]})
        db.session.commit()
        db.session.remove()

    old.upgrade(BEFORE, downgrade=True)

    with old.connection() as conn:
        assert "activity" not in set(inspect(conn).get_table_names())
        rows = conn.execute(
            text(
                "SELECT id, order_id, status, changed_at, changed_by_id, note, kind"
                " FROM order_status_change ORDER BY id"
            )
        ).all()
    assert [tuple(row) for row in rows] == history
    old.insert("order_status_change", order_id=history[0][1], status="confirmed", changed_at=LATER)
