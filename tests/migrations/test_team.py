"""0017: every existing shop's owner becomes its first member, with the role 'owner';
nothing a merchant had is lost, and a shop can never get a second owner."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

BEFORE = "0018_update_texts"
NOW = datetime(2026, 12, 5, 12, 0)


def _fill_as_0016(old) -> dict[str, int]:
    ids = {}
    for name in ("ana", "bea"):
        ids[name] = old.insert(
            "user_account", oidc_issuer="https://issuer.test", oidc_subject=name,
            email=f"{name}@example.com", name=name.title(), created_at=NOW, is_operator=False,
        )  # fmt: skip
    for slug, owner in (("sol", "ana"), ("luna", "ana"), ("mar", "bea")):
        ids[slug] = old.insert(
            "shop", owner_id=ids[owner], slug=slug, name=f"{slug} ☀️", description="",
            whatsapp="+34612345678", currency="EUR", currency_exponent=2, language="es",
            paused=False, pause_message="", catalog_version=5, next_order_number=3,
            created_at=NOW, updated_at=NOW, min_order_minor=0, time_zone="",
            closed_policy="refuse", ask_phone="optional",
        )  # fmt: skip
    return ids


def test_every_shop_gets_its_owner_as_its_first_member(database_at):
    old = database_at(BEFORE)
    ids = _fill_as_0016(old)
    shops = text("SELECT slug, owner_id, catalog_version FROM shop ORDER BY slug")
    with old.connection() as conn:
        before = [tuple(row) for row in conn.execute(shops)]

    old.upgrade("head")
    with old.connection() as conn:
        assert [tuple(row) for row in conn.execute(shops)] == before
        members = conn.execute(
            text("SELECT shop_id, user_id, role FROM membership ORDER BY shop_id")
        )
        assert [tuple(row) for row in members] == [
            (ids["sol"], ids["ana"], "owner"),
            (ids["luna"], ids["ana"], "owner"),
            (ids["mar"], ids["bea"], "owner"),
        ]


def test_a_shop_cannot_get_a_second_owner_or_the_same_person_twice(database_at):
    old = database_at(BEFORE)
    ids = _fill_as_0016(old)
    old.upgrade("head")
    row = {"shop_id": ids["sol"], "created_at": NOW}
    with pytest.raises(IntegrityError):
        old.insert("membership", user_id=ids["bea"], role="owner", **row)
    with pytest.raises(IntegrityError):
        old.insert("membership", user_id=ids["ana"], role="staff", **row)
    with pytest.raises(IntegrityError):
        old.insert("membership", user_id=ids["bea"], role="cook", **row)
    old.insert("membership", user_id=ids["bea"], role="manager", **row)


def test_going_down_keeps_every_shop_with_its_owner(database_at):
    old = database_at(BEFORE)
    ids = _fill_as_0016(old)
    old.upgrade("head")
    old.insert("membership", user_id=ids["bea"], role="staff", shop_id=ids["sol"], created_at=NOW)
    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        rows = conn.execute(text("SELECT slug, owner_id FROM shop ORDER BY slug"))
        assert [tuple(row) for row in rows] == [
            ("luna", ids["ana"]),
            ("mar", ids["bea"]),
            ("sol", ids["ana"]),
        ]
