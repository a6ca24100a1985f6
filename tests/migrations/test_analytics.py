"""0014: the analytics tables join an existing database; nothing already there changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

BEFORE = "0013_order_flow"
NOW = datetime(2026, 12, 5, 19, 0)
TABLES = {"analytics_day", "analytics_source", "analytics_visitor", "analytics_salt"}


def test_existing_shops_and_orders_are_kept_and_counters_start_empty(database_at):
    old = database_at(BEFORE)
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="", whatsapp="+34612345678",
        currency="EUR", currency_exponent=2, language="es", paused=False, pause_message="",
        catalog_version=5, next_order_number=2, created_at=NOW, updated_at=NOW,
        ask_phone="optional",
    )  # fmt: skip
    old.insert(
        "shop_order", shop_id=shop, number=1, token="t" * 43, idempotency_key="k",
        status="new", currency="EUR", currency_exponent=2, language="es",
        customer_name="Ana", customer_address="", customer_notes="", customer_phone="",
        shipping_name="", shipping_price_minor=0, shipping_needs_address=False,
        subtotal_minor=1500, total_minor=1500, payment_kind="", payment_name="",
        payment_details="", closed_note="", created_at=NOW,
    )  # fmt: skip

    old.upgrade("head")
    with old.connection() as conn:
        assert set(inspect(conn).get_table_names()) >= TABLES
        assert conn.execute(text("SELECT count(*) FROM analytics_day")).scalar_one() == 0
        assert conn.execute(text("SELECT total_minor FROM shop_order")).scalar_one() == 1500
        conn.execute(
            text("INSERT INTO analytics_day (shop_id, day, kind, item_id, count) "
                 "VALUES (:shop, '2026-12-05', 'shop_view', 0, 3)"),
            {"shop": shop},
        )  # fmt: skip
        conn.commit()

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        assert not TABLES & set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT name FROM shop")).scalar_one() == "Sol ☀️"
