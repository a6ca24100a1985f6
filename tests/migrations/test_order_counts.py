"""0026: the orders of a 0025 database are counted by status and paid as the migration
runs, the triggers keep counting after it, and a downgrade leaves the orders alone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, select, text

from shop.extensions import db
from shop.models import Order, OrderStatus, Shop
from shop.ordering.order_list import list_counts
from shop.ordering.statuses import change_status
from tests.migrations.test_analytics_totals import _shop

BEFORE = "0025_analytics_totals"
NOW = datetime(2026, 12, 6, 19, 0)
# (status, paid) of each order of the first shop, as the code before this change wrote them.
SOL = [("new", False), ("new", False), ("new", True), ("confirmed", False),
       ("delivered", True), ("delivered", True), ("cancelled", False)]  # fmt: skip


def _order(old, shop: int, number: int, status: str, paid: bool) -> int:
    order = old.insert(
        "shop_order", shop_id=shop, number=number, token=f"t-{shop}-{number}".ljust(43, "x"),
        idempotency_key=f"k{number}", status=status, currency="EUR", currency_exponent=2,
        language="es", customer_name="Zoë 🌻", customer_address="Calle 1", customer_notes="",
        customer_phone="", shipping_name="Envío", shipping_price_minor=300,
        shipping_needs_address=True, subtotal_minor=1000, total_minor=1300, payment_kind="cash",
        payment_name="Efectivo", payment_details="", closed_note="", created_at=NOW,
        paid_at=NOW if paid else None,
    )  # fmt: skip
    old.insert("order_status_change", order_id=order, status="new", changed_at=NOW, note="")
    return order


def test_existing_orders_are_counted_and_new_ones_follow(database_at):
    old = database_at(BEFORE)
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    sol, luna, empty = _shop(old, owner, "sol"), _shop(old, owner, "luna"), _shop(old, owner, "x")
    ids = [_order(old, sol, n, status, paid) for n, (status, paid) in enumerate(SOL, start=1)]
    _order(old, luna, 1, "preparing", False)

    old.upgrade()

    with old.app.test_request_context():
        shop = db.session.get(Shop, sol)
        tally = list_counts(shop)
        assert tally.counts == {
            OrderStatus.NEW: 3, OrderStatus.CONFIRMED: 1, OrderStatus.DELIVERED: 2,
            OrderStatus.CANCELLED: 1,
        }  # fmt: skip
        assert (tally.paid, tally.unpaid, tally.latest) == (3, 3, max(ids))
        assert list_counts(db.session.get(Shop, luna)).counts == {OrderStatus.PREPARING: 1}
        assert list_counts(db.session.get(Shop, empty)).total == 0

        before = tally.changes
        order = db.session.scalars(select(Order).where(Order.id == ids[0])).one()
        change_status(order, OrderStatus.CONFIRMED, by=shop.owner)
        db.session.commit()
        after = list_counts(shop)
        assert after.counts[OrderStatus.NEW] == 2
        assert after.counts[OrderStatus.CONFIRMED] == 2
        assert after.changes > before
        db.session.remove()

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        assert "order_count" not in inspect(conn).get_table_names()
        rows = conn.execute(
            text("SELECT status, paid_at IS NOT NULL FROM shop_order WHERE shop_id = :s"),
            {"s": sol},
        ).all()
        assert sorted((s, bool(p)) for s, p in rows) == sorted([("confirmed", False), *SOL[1:]])
        # The triggers went with the table: writing an order still works.
        conn.execute(text("UPDATE shop_order SET status = 'new' WHERE id = :i"), {"i": ids[0]})
        conn.commit()
