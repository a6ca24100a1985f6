"""0011: pending uploads arrive beside a shop's data without touching it, and leave again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

NOW = datetime(2026, 12, 5, 12, 0)


def test_existing_shops_are_kept_and_can_hold_uploads(database_at):
    old = database_at("0010_jobs")
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="", whatsapp="+34612345678",
        currency="EUR", currency_exponent=2, language="es", paused=False, pause_message="",
        catalog_version=5, next_order_number=3, created_at=NOW, updated_at=NOW,
    )  # fmt: skip

    old.upgrade("0011_pending_uploads")
    old.insert(
        "pending_upload", token="t" * 43, shop_id=shop, filename="taza.jpg", digest="d" * 64,
        data=b"\xff\xd8" * 10, preview=b"RIFF", created_at=NOW, draft=True, draft_name="Taza",
    )  # fmt: skip
    with old.connection() as conn:
        assert conn.execute(text("SELECT name, catalog_version FROM shop")).one() == ("Sol ☀️", 5)
        held = conn.execute(text("SELECT data FROM pending_upload")).scalar_one()
        assert held == b"\xff\xd8" * 10

    old.upgrade("0010_jobs", downgrade=True)
    with old.connection() as conn:
        assert "pending_upload" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT name FROM shop")).scalar_one() == "Sol ☀️"
