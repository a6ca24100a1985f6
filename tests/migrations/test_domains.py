"""0024: shops made before custom domains keep everything and start with none; a live
domain moves the catalog version (canonical links name it); down again, it goes."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

BEFORE = "0020_coupons"
NOW = datetime(2026, 12, 6, 1, 0)


def test_existing_shops_start_without_a_domain_and_a_live_one_moves_the_version(database_at):
    old = database_at(BEFORE)
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shops = [
        old.insert(
            "shop",
            owner_id=owner,
            slug=slug,
            name=name,
            description="",
            whatsapp="+34612345678",
            currency="EUR",
            currency_exponent=2,
            language="es",
            paused=False,
            pause_message="",
            catalog_version=5,
            next_order_number=3,
            created_at=NOW,
            updated_at=NOW,
            meta_pixel_id="123456789012345" if slug == "sol" else None,
        )
        for slug, name in (("sol", "Sol ☀️"), ("luna", "Luna 🌙"))
    ]
    old.insert("category", shop_id=shops[0], name="Camisetas", position=0)  # the version: 6
    old.execute("INSERT INTO shop_tombstone (slug, deleted_at) VALUES ('cerrada', :now)", now=NOW)

    old.upgrade("head")
    with old.connection() as conn:
        rows = conn.execute(
            text(
                "SELECT slug, name, catalog_version, meta_pixel_id, custom_domain"
                " FROM shop ORDER BY id"
            )
        ).all()
        assert [tuple(row) for row in rows] == [
            ("sol", "Sol ☀️", 6, "123456789012345", None),
            ("luna", "Luna 🌙", 5, None, None),
        ]
        assert conn.execute(text("SELECT count(*) FROM shop_domain")).scalar_one() == 0
        tombstones = conn.execute(text("SELECT slug, domain FROM shop_tombstone")).all()
        assert [tuple(row) for row in tombstones] == [("cerrada", None)]
        conn.execute(
            text(
                "INSERT INTO shop_domain (shop_id, name, token, state, last_error, created_at)"
                " VALUES (:shop, 'tienda.example.com', 'tok', 'waiting', '', :now)"
            ),
            {"shop": shops[0], "now": NOW},
        )
        conn.execute(text("UPDATE shop SET custom_domain = 'tienda.example.com' WHERE slug='sol'"))
        conn.execute(text("UPDATE shop SET meta_pixel_id = NULL WHERE slug = 'sol'"))  # public
        conn.commit()
        version = conn.execute(text("SELECT catalog_version FROM shop WHERE slug = 'sol'"))
        assert version.scalar_one() == 8
        with pytest.raises(IntegrityError):  # one shop per name
            conn.execute(
                text("UPDATE shop SET custom_domain = 'tienda.example.com' WHERE slug='luna'")
            )
        conn.rollback()

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        assert "custom_domain" not in {c["name"] for c in inspect(conn).get_columns("shop")}
        assert "shop_domain" not in inspect(conn).get_table_names()
        columns = {c["name"] for c in inspect(conn).get_columns("shop_tombstone")}
        assert columns == {"slug", "deleted_at"}
        conn.execute(text("UPDATE shop SET name = 'Sol' WHERE slug = 'sol'"))
        conn.commit()
        row = conn.execute(text("SELECT name, catalog_version FROM shop WHERE slug = 'sol'"))
        assert tuple(row.one()) == ("Sol", 9)
