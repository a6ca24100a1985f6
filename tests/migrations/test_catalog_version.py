"""0009: the catalog-version triggers arrive without moving any version (every kept page
stays valid), then move it on every public write; downgrading removes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

NOW = datetime(2026, 12, 1, 12, 0)


def _version(old) -> int:
    with old.connection() as conn:
        return conn.execute(text("SELECT catalog_version FROM shop")).scalar_one()


def test_existing_versions_are_kept_and_then_move_by_themselves(database_at):
    old = database_at("0008_currency_exponent")
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol", description="", whatsapp="+34612345678",
        currency="EUR", currency_exponent=2, language="es", paused=False, pause_message="",
        catalog_version=41, next_order_number=7, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    old.insert(
        "item", shop_id=shop, name="Taza", description="", price_minor=900, code="",
        availability="available", is_service=False, position=0, created_at=NOW, updated_at=NOW,
    )  # fmt: skip

    old.upgrade("0009_catalog_version")
    assert _version(old) == 41
    old.execute("UPDATE item SET price_minor = 950")
    assert _version(old) == 42
    old.execute("UPDATE shop SET next_order_number = 8")  # not shown on any page
    assert _version(old) == 42
    old.execute("UPDATE shop SET name = 'Sol y Luna'")
    assert _version(old) == 43

    old.upgrade("0008_currency_exponent", downgrade=True)
    old.execute("UPDATE item SET price_minor = 990")
    assert _version(old) == 43
    with old.connection() as conn:
        assert conn.execute(text("SELECT count(*) FROM item")).scalar_one() == 1
