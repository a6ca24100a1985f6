"""The status rules: which moves an order may make, and the record each one leaves."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from shop.extensions import db
from shop.models import Activity, Order, OrderStatus
from shop.ordering.statuses import (
    NOTE_MAX,
    TRANSITIONS,
    AlreadyInStatus,
    InvalidTransition,
    StatusChangeError,
    allowed_transitions,
    change_status,
    is_final,
    order_label,
    status_history,
)
from tests import factories

ALLOWED = {
    ("new", "confirmed"),
    ("new", "cancelled"),
    ("confirmed", "preparing"),
    ("confirmed", "ready"),  # preparing may be skipped
    ("confirmed", "delivered"),  # and so may ready: handed over at once
    ("confirmed", "cancelled"),
    ("preparing", "ready"),
    ("preparing", "delivered"),
    ("preparing", "cancelled"),
    ("ready", "delivered"),
    ("ready", "cancelled"),
    ("cancelled", "new"),  # reopening a cancelled order
}
ALL_PAIRS = [(a.value, b.value) for a in OrderStatus for b in OrderStatus]


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def shop(ctx):
    shop = factories.make_shop(factories.make_user())
    db.session.commit()
    return shop


def _changes(order: Order) -> list[OrderStatus]:
    return list(
        db.session.scalars(
            select(Activity.status).where(Activity.order_id == order.id).order_by(Activity.id)
        )
    )


def test_rules_table_matches_the_documented_moves():
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert allowed_transitions(OrderStatus.DELIVERED) == ()


@pytest.mark.parametrize(("start", "target"), sorted(ALLOWED))
def test_allowed_move_changes_status_and_records_when(shop, start, target):
    order = factories.make_order(shop, status=start)
    db.session.commit()
    before = _changes(order)
    moment = datetime(2030, 1, 2, 3, 4, 5)

    change = change_status(order, target, now=moment)
    db.session.commit()

    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert stored.status == OrderStatus(target)
    assert _changes(stored) == [*before, OrderStatus(target)]
    assert change.changed_at == moment
    assert stored.status_changes[-1].changed_at == moment


@pytest.mark.parametrize(("start", "target"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_refused_move_changes_nothing(shop, start, target):
    order = factories.make_order(shop, status=start)
    db.session.commit()
    before = _changes(order)

    expected = AlreadyInStatus if start == target else InvalidTransition
    with pytest.raises(expected) as raised:
        change_status(order, target)
    db.session.rollback()

    assert str(raised.value)  # a message the merchant can read
    assert isinstance(raised.value, ValueError)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus(start)
    assert _changes(order) == before


@pytest.mark.parametrize("bogus", ["shipped", "", "NEW", "new; drop table", "on_the_way"])
def test_refuses_unknown_status(shop, bogus):
    order = factories.make_order(shop)
    db.session.commit()
    with pytest.raises(StatusChangeError):
        change_status(order, bogus)
    db.session.rollback()
    assert db.session.get(Order, order.id).status == OrderStatus.NEW


def test_stale_copy_of_the_same_move_records_nothing(shop):
    """Two requests both loaded the order as new; the second one to confirm is a no-op."""
    order = factories.make_order(shop)
    db.session.commit()
    # Another request confirms it behind this session's back.
    db.session.execute(
        update(Order)
        .where(Order.id == order.id)
        .values(status=OrderStatus.CONFIRMED)
        .execution_options(synchronize_session=False)
    )
    db.session.add(Activity(shop_id=order.shop_id, order_id=order.id, status=OrderStatus.CONFIRMED))
    db.session.commit()
    db.session.refresh(order)
    set_committed_value(order, "status", OrderStatus.NEW)  # what this stale request believes

    with pytest.raises(AlreadyInStatus):
        change_status(order, OrderStatus.CONFIRMED)
    db.session.rollback()

    assert _changes(order) == [OrderStatus.NEW, OrderStatus.CONFIRMED]


def test_stale_move_that_is_no_longer_allowed_is_refused(shop):
    order = factories.make_order(shop, status="confirmed")
    db.session.commit()
    db.session.execute(
        update(Order)
        .where(Order.id == order.id)
        .values(status=OrderStatus.DELIVERED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(order)
    set_committed_value(order, "status", OrderStatus.CONFIRMED)

    with pytest.raises(InvalidTransition):
        change_status(order, OrderStatus.CANCELLED)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.DELIVERED


def test_history_starts_with_arrival_even_without_a_recorded_new(shop):
    order = factories.make_order(shop)
    order.status_changes.clear()
    db.session.flush()
    change_status(order, "confirmed", now=datetime(2031, 5, 5))
    history = status_history(order)
    assert [status for status, _when in history] == [OrderStatus.NEW, OrderStatus.CONFIRMED]
    assert history[0][1] == order.created_at


def test_history_does_not_repeat_a_recorded_new(shop):
    order = factories.make_order(shop)
    db.session.flush()
    assert [status for status, _when in status_history(order)] == [OrderStatus.NEW]


def test_a_move_records_who_made_it_and_why(shop):
    order = factories.make_order(shop)
    db.session.commit()
    change_status(order, "cancelled", by=shop.owner, note="Sin stock de pan 🍞 " + "x" * 500)
    db.session.commit()
    db.session.expire_all()
    change = db.session.get(Order, order.id).status_changes[-1]
    assert change.changed_by == shop.owner
    assert change.note.startswith("Sin stock de pan 🍞")
    assert len(change.note) == NOTE_MAX


def test_the_shoppers_own_order_has_no_mover(shop):
    order = factories.make_order(shop)
    db.session.commit()
    assert [change.changed_by_id for change in order.status_changes] == [None]


@pytest.mark.parametrize(
    ("needs_address", "ready", "delivered"),
    [(False, "Ready for pickup", "Picked up"), (True, "On the way", "Delivered")],
)
def test_ready_and_delivered_read_by_how_the_order_reaches_the_shopper(
    shop, needs_address, ready, delivered
):
    order = factories.make_order(shop, shipping_needs_address=needs_address)
    assert order_label(order, "ready") == ready
    assert order_label(order, "delivered") == delivered
    assert order_label(order, "preparing") == "Being prepared"


def test_the_whole_way_to_the_door_with_stock_back_on_cancel(shop):
    order = factories.make_order(shop)
    db.session.commit()
    for target in ("confirmed", "preparing", "ready", "delivered"):
        change_status(order, target, by=shop.owner)
        db.session.commit()
    assert [s.value for s, _when in status_history(order)] == [
        "new", "confirmed", "preparing", "ready", "delivered"
    ]  # fmt: skip
    assert is_final(order)
