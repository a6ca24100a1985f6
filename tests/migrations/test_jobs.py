"""0010: the job tables arrive beside a shop's data without touching it, and leave again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

NOW = datetime(2026, 12, 4, 12, 0)


def test_existing_shops_are_kept_and_can_have_jobs(database_at):
    old = database_at("0009_catalog_version")
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="", whatsapp="+34612345678",
        currency="EUR", currency_exponent=2, language="es", paused=False, pause_message="",
        catalog_version=5, next_order_number=3, created_at=NOW, updated_at=NOW,
    )  # fmt: skip

    old.upgrade("0010_jobs")
    job = old.insert(
        "job", token="t" * 43, kind="shop-export", shop_id=shop, user_id=owner, state="queued",
        params="{}", done=0, total=0, tries=0, locale="es", created_at=NOW,
    )  # fmt: skip
    old.execute(
        "INSERT INTO job_step (job_id, key, finished_at) VALUES (:j, 'a', :t)", j=job, t=NOW
    )
    with old.connection() as conn:
        assert conn.execute(text("SELECT name, catalog_version FROM shop")).one() == ("Sol ☀️", 5)

    old.upgrade("0009_catalog_version", downgrade=True)
    with old.connection() as conn:
        assert "job" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT name FROM shop")).scalar_one() == "Sol ☀️"
