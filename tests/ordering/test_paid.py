"""The paid mark's rules, called directly; and two tabs marking at once on PostgreSQL."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from shop.extensions import db
from shop.models import Order
from shop.ordering.paid import (
    AlreadyPaid,
    AlreadyUnpaid,
    PaymentChanged,
    PaymentMarkError,
    is_unpaid,
    mark_paid,
    mark_unpaid,
    parse_seen,
)
from tests import factories

NOON = datetime(2030, 3, 1, 12, 0)


@pytest.fixture
def order(app):
    with app.test_request_context():
        shop = factories.make_shop(factories.make_user())
        order = factories.make_order(shop, payment_name="Efectivo")
        db.session.commit()
        yield order


def test_mark_paid_then_unpaid(order):
    mark_paid(order, "", "", now=NOON)
    assert (order.paid_at, order.paid_method) == (NOON, "Efectivo")
    assert not is_unpaid(order)
    with pytest.raises(AlreadyPaid):
        mark_paid(order, "Bizum")
    mark_unpaid(order, NOON)
    assert order.paid_at is None
    assert is_unpaid(order)
    with pytest.raises(AlreadyUnpaid):
        mark_unpaid(order, NOON)


def test_unpaid_with_another_mark_than_seen_is_refused(order):
    mark_paid(order, "Bizum", now=NOON)
    with pytest.raises(PaymentChanged):
        mark_unpaid(order, datetime(2030, 3, 1, 11, 0))
    with pytest.raises(PaymentChanged):
        mark_unpaid(order, None)
    assert order.paid_at == NOON


def test_parse_seen_refuses_junk():
    assert parse_seen("2030-03-01T12:00:00") == NOON
    assert parse_seen("x" * 10_000) is None
    assert parse_seen(None) is None


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
)
@pytest.mark.parametrize("attempt", range(3))
def test_two_tabs_marking_paid_at_once_record_one_mark(app, attempt):
    with app.app_context():
        order = factories.make_order(factories.make_shop(factories.make_user()))
        db.session.commit()
        order_id = order.id
    loaded = threading.Barrier(2)

    def mark(method: str) -> str:
        with app.test_request_context():
            order = db.session.get(Order, order_id)
            assert order.paid_at is None
            loaded.wait(timeout=30)  # both tabs saw "unpaid" before either writes
            try:
                mark_paid(order, method)
            except PaymentMarkError as error:
                db.session.rollback()
                return f"refused: {error}"
            db.session.commit()
            return f"marked: {method}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(mark, ["Efectivo", "Bizum"]))

    assert sorted(r.split(":")[0] for r in results) == ["marked", "refused"]
    winner = next(r.split(": ")[1] for r in results if r.startswith("marked"))
    with app.app_context():
        assert db.session.get(Order, order_id).paid_method == winner
