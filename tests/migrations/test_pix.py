"""0016: every shop keeps its language and data; shops may then speak pt_BR, and going
back down turns a Brazilian shop Spanish rather than losing it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError

BEFORE = "0015_order_paid"
NOW = datetime(2026, 12, 5, 12, 0)


def _fill_as_0013(old) -> int:
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shops = []
    for slug, language in (("sol", "es"), ("sun", "en")):
        shop = old.insert(
            "shop", owner_id=owner, slug=slug, name="Sol ☀️", description="",
            whatsapp="+34612345678", currency="EUR", currency_exponent=2, language=language,
            paused=False, pause_message="", catalog_version=5, next_order_number=3,
            created_at=NOW, updated_at=NOW, min_order_minor=0, time_zone="",
            closed_policy="refuse", ask_phone="optional",
        )  # fmt: skip
        shops.append(shop)
    for position, kind in enumerate(("cash", "bank_transfer", "link", "other")):
        old.insert(
            "payment_method", shop_id=shops[0], position=position, kind=kind, name=kind,
            details="IBAN ES12" if kind == "bank_transfer" else "", active=True,
        )  # fmt: skip
    return shops[0]


def test_shops_keep_their_language_and_may_speak_brazilian_portuguese(database_at):
    old = database_at(BEFORE)
    _fill_as_0013(old)
    with old.connection() as conn, pytest.raises(IntegrityError):
        conn.execute(text("UPDATE shop SET language = 'pt_BR' WHERE slug = 'sol'"))

    query = text("SELECT slug, language, catalog_version FROM shop ORDER BY slug")
    with old.connection() as conn:
        before = [tuple(row) for row in conn.execute(query)]
    assert [row[:2] for row in before] == [("sol", "es"), ("sun", "en")]

    old.upgrade("head")
    with old.connection() as conn:
        assert [tuple(row) for row in conn.execute(query)] == before
        conn.execute(text("UPDATE shop SET language = 'pt_BR' WHERE slug = 'sol'"))
        conn.commit()
        # Refused by the shape check, or on PostgreSQL by the column's length first.
        with pytest.raises((IntegrityError, DataError)):
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


def test_payment_methods_keep_their_kind_and_pix_arrives_beside_them(database_at):
    old = database_at(BEFORE)
    shop = _fill_as_0013(old)
    pix = {"shop_id": shop, "position": 9, "kind": "pix", "name": "Pix", "active": True}
    with pytest.raises(IntegrityError):
        old.insert("payment_method", details="12345678909\nRecife", **pix)

    old.upgrade("head")
    with old.connection() as conn:
        rows = conn.execute(text("SELECT kind, details FROM payment_method ORDER BY position"))
        assert [tuple(row) for row in rows] == [
            ("cash", ""), ("bank_transfer", "IBAN ES12"), ("link", ""), ("other", ""),
        ]  # fmt: skip
    old.insert("payment_method", details="12345678909\nRecife", **pix)
    with pytest.raises(IntegrityError):
        old.insert("payment_method", details="", **(pix | {"kind": "crypto", "position": 10}))

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        rows = conn.execute(text("SELECT kind, details FROM payment_method WHERE position = 9"))
        assert [tuple(row) for row in rows] == [("other", "12345678909\nRecife")]
