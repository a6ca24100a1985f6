"""0013: round-one orders of every status keep it, history and all, and the new statuses,
the mover, the note, the shopper's number and the shop's setting arrive beside them."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.models import Order, OrderStatus, PhonePolicy, Shop
from shop.ordering.statuses import change_status, status_history

BEFORE = "0012_link_shared"
NOW = datetime(2026, 12, 4, 12, 0)
ROUND_ONE = ("new", "confirmed", "delivered", "cancelled")


def _fill_as_0010(old) -> dict[str, str]:
    """A shop with one order per round-one status, each with its history; returns tokens."""
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="", whatsapp="+34612345678",
        currency="EUR", currency_exponent=2, language="es", paused=False, pause_message="",
        catalog_version=5, next_order_number=5, created_at=NOW, updated_at=NOW,
        min_order_minor=0, time_zone="", closed_policy="refuse",
    )  # fmt: skip
    tokens = {}
    for number, status in enumerate(ROUND_ONE, start=1):
        token = f"token-{status}".ljust(43, "x")
        order = old.insert(
            "shop_order", shop_id=shop, number=number, token=token, idempotency_key=status,
            status=status, currency="EUR", currency_exponent=2, language="es",
            customer_name="Zoë 🌻", customer_address="Calle 1", customer_notes="sin cebolla",
            shipping_name="Envío", shipping_price_minor=300, shipping_needs_address=True,
            subtotal_minor=1000, total_minor=1300, payment_kind="cash", payment_name="Efectivo",
            payment_details="", closed_note="", created_at=NOW,
        )  # fmt: skip
        old.insert(
            "order_line", order_id=order, item_id=None, position=0, name="Pan", code="",
            unit_price_minor=1000, quantity=1, line_total_minor=1000, options_text="",
            options="[]",
        )  # fmt: skip
        old.insert("order_status_change", order_id=order, status="new", changed_at=NOW)
        if status == "delivered":
            old.insert("order_status_change", order_id=order, status="confirmed", changed_at=NOW)
        if status != "new":
            old.insert("order_status_change", order_id=order, status=status, changed_at=NOW)
        tokens[status] = token
    return tokens


def test_every_round_one_order_keeps_its_status_and_history(database_at):
    old = database_at(BEFORE)
    tokens = _fill_as_0010(old)

    old.upgrade()

    with old.app.test_request_context():
        shop = db.session.scalars(select(Shop)).one()
        assert shop.ask_phone == PhonePolicy.OPTIONAL
        for status, token in tokens.items():
            order = db.session.scalars(select(Order).where(Order.token == token)).one()
            assert order.status == OrderStatus(status)
            assert order.customer_name == "Zoë 🌻"
            assert order.customer_phone == ""
            assert [s for s, _when in status_history(order)][-1] == OrderStatus(status)
            assert all(c.changed_by_id is None and c.note == "" for c in order.status_changes)
        # The new statuses are accepted, and an order moves through them with its mover.
        confirmed = db.session.scalars(select(Order).where(Order.token == tokens["confirmed"]))
        order = confirmed.one()
        change = change_status(order, OrderStatus.PREPARING, by=shop.owner)
        db.session.commit()
        assert change.changed_by_id == shop.owner_id
        db.session.remove()


# The history is in activity since 0029_activity: its status keeps the same CHECK.
@pytest.mark.parametrize("table", ["shop_order", "activity"])
def test_the_constraint_still_refuses_an_unknown_status(database_at, table):
    old = database_at(BEFORE)
    _fill_as_0010(old)
    old.upgrade()
    with pytest.raises(IntegrityError):
        old.execute(f"UPDATE {table} SET status = 'shipped'")  # noqa: S608 (a test's own name)
    old.execute(f"UPDATE {table} SET status = 'ready'")  # noqa: S608
    with pytest.raises(IntegrityError):
        old.execute("UPDATE shop SET ask_phone = 'always'")


def test_downgrade_gives_round_one_statuses_back(database_at):
    old = database_at(BEFORE)
    tokens = _fill_as_0010(old)
    old.upgrade()
    old.execute(
        "UPDATE shop_order SET status = 'preparing' WHERE token = :t", t=tokens["confirmed"]
    )
    old.execute("UPDATE shop_order SET customer_phone = '+34600111222'")

    old.upgrade(BEFORE, downgrade=True)

    with old.connection() as conn:
        rows = dict(conn.execute(text("SELECT token, status FROM shop_order")).all())
        assert rows == {token: status for status, token in tokens.items()}
        columns = {c["name"] for c in inspect(conn).get_columns("shop_order")}
        assert "customer_phone" not in columns
    with pytest.raises(IntegrityError):
        old.execute("UPDATE shop_order SET status = 'ready'")
