"""0012: shops made before the set-up checklist keep everything and start "not shared yet"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

BEFORE = "0011_pending_uploads"
NOW = datetime(2026, 12, 5, 12, 0)


def test_existing_shops_are_kept_and_start_unshared(database_at):
    old = database_at(BEFORE)
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="", whatsapp="+34612345678",
        currency="EUR", currency_exponent=2, language="es", paused=False, pause_message="",
        catalog_version=5, next_order_number=3, created_at=NOW, updated_at=NOW,
    )  # fmt: skip

    old.upgrade("head")
    with old.connection() as conn:
        row = conn.execute(text("SELECT name, catalog_version, link_shared_at FROM shop")).one()
        assert tuple(row) == ("Sol ☀️", 5, None)
        conn.execute(text("UPDATE shop SET link_shared_at = :t"), {"t": NOW})
        conn.commit()

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("shop")}
        assert "link_shared_at" not in columns
        assert conn.execute(text("SELECT name FROM shop")).scalar_one() == "Sol ☀️"
