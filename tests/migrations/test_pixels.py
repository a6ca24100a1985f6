"""0017: shops made before ads pixels keep everything, start with none, and setting one
moves the catalog version (its pages carry the flag); down again, the columns go."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

BEFORE = "0016_pix"
NOW = datetime(2026, 12, 5, 23, 0)


def test_existing_shops_start_without_pixels_and_a_pixel_moves_the_version(database_at):
    old = database_at(BEFORE)
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="", whatsapp="+34612345678",
        currency="EUR", currency_exponent=2, language="pt_BR", paused=False, pause_message="",
        catalog_version=5, next_order_number=3, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    old.insert("category", shop_id=shop, name="Camisetas", position=0)  # the version: 6

    old.upgrade("head")
    with old.connection() as conn:
        row = conn.execute(
            text(
                "SELECT name, language, catalog_version, meta_pixel_id, ga4_measurement_id"
                " FROM shop"
            )
        ).one()
        assert tuple(row) == ("Sol ☀️", "pt_BR", 6, None, None)
        conn.execute(text("UPDATE shop SET meta_pixel_id = '123456789012345'"))
        conn.execute(text("UPDATE shop SET next_order_number = 4"))  # private: no move
        conn.execute(text("UPDATE category SET name = 'Gorras'"))  # the tables' triggers stay
        conn.commit()
        assert conn.execute(text("SELECT catalog_version FROM shop")).scalar_one() == 8

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("shop")}
        assert not {"meta_pixel_id", "ga4_measurement_id"} & columns
        conn.execute(text("UPDATE shop SET name = 'Sol'"))
        conn.commit()
        row = conn.execute(text("SELECT name, catalog_version FROM shop")).one()
        assert tuple(row) == ("Sol", 9)
