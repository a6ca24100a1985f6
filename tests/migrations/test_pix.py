"""0014: every shop keeps its language and data; shops may then speak pt_BR, and going
back down turns a Brazilian shop Spanish rather than losing it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

BEFORE = "0013_order_flow"
NOW = datetime(2026, 12, 5, 12, 0)


def _fill_as_0013(old) -> None:
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    for slug, language in (("sol", "es"), ("sun", "en")):
        old.insert(
            "shop", owner_id=owner, slug=slug, name="Sol ☀️", description="",
            whatsapp="+34612345678", currency="EUR", currency_exponent=2, language=language,
            paused=False, pause_message="", catalog_version=5, next_order_number=3,
            created_at=NOW, updated_at=NOW, min_order_minor=0, time_zone="",
            closed_policy="refuse", ask_phone="optional",
        )  # fmt: skip


def test_shops_keep_their_language_and_may_speak_brazilian_portuguese(database_at):
    old = database_at(BEFORE)
    _fill_as_0013(old)
    with old.connection() as conn, pytest.raises(IntegrityError):
        conn.execute(text("UPDATE shop SET language = 'pt_BR' WHERE slug = 'sol'"))

    old.upgrade("head")
    with old.connection() as conn:
        rows = conn.execute(text("SELECT slug, language, catalog_version FROM shop ORDER BY slug"))
        assert [tuple(row) for row in rows] == [("sol", "es", 5), ("sun", "en", 5)]
        conn.execute(text("UPDATE shop SET language = 'pt_BR' WHERE slug = 'sol'"))
        conn.commit()
        with pytest.raises(IntegrityError):
            conn.execute(text("UPDATE shop SET language = 'portuguese' WHERE slug = 'sun'"))
        conn.rollback()
        # The catalog-version triggers were made again: the language shows on public pages.
        assert (
            conn.execute(text("SELECT catalog_version FROM shop WHERE slug = 'sol'")).scalar() > 5
        )

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        rows = conn.execute(text("SELECT slug, language FROM shop ORDER BY slug"))
        assert [tuple(row) for row in rows] == [("sol", "es"), ("sun", "en")]
