"""0027: the items' order index also covers availability; items written before it are
untouched, read by the first view through it, and a downgrade gives the old index back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

from shop.extensions import db
from shop.storefront.fast.first_view import first_view
from shop.storefront.fast.rows import read_shop

BEFORE = "0026_order_counts"
NOW = datetime(2026, 12, 6, 19, 0)


def _indexes(old) -> dict[str, list[str]]:
    with old.connection() as conn:
        return {index["name"]: index["column_names"] for index in inspect(conn).get_indexes("item")}


def _items(old) -> list[tuple]:
    with old.connection() as conn:
        rows = conn.execute(
            text(
                "SELECT id, shop_id, category_id, name, position, availability "
                "FROM item ORDER BY id"
            )
        )
        return [tuple(row) for row in rows]


def test_the_index_covers_availability_and_items_are_read_through_it(database_at):
    old = database_at(BEFORE)
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="barro", name="Barro 🏺", description="",
        whatsapp="+34612345678", currency="EUR", currency_exponent=2, language="es",
        paused=False, pause_message="", catalog_version=3, next_order_number=1,
        created_at=NOW, updated_at=NOW, ask_phone="optional",
    )  # fmt: skip
    cups = old.insert("category", shop_id=shop, name="Tazas", position=0)
    for n, availability in enumerate(["available", "hidden", "sold_out", "available"]):
        old.insert(
            "item", shop_id=shop, category_id=cups if n < 3 else None, name=f"Taza {n} ñ",
            description="", code="", price_minor=1200 + n, availability=availability,
            is_service=False, position=n, created_at=NOW, updated_at=NOW,
        )  # fmt: skip
    before = _items(old)
    assert "ix_item_shop_category_position" in _indexes(old)

    old.upgrade("head")
    indexes = _indexes(old)
    assert indexes["ix_item_shop_card_order"] == [
        "shop_id",
        "category_id",
        "position",
        "availability",
    ]
    assert "ix_item_shop_category_position" not in indexes
    assert _items(old) == before
    with old.app.test_request_context("/s/barro"):
        shown, later = first_view(read_shop(db.session.connection(), "barro"))
    assert later == []
    assert [(s.category_name, [row[1] for row in s.items], s.total) for s in shown] == [
        ("Tazas", ["Taza 0 ñ", "Taza 2 ñ"], 2),
        (None, ["Taza 3 ñ"], 1),
    ]

    old.upgrade(BEFORE, downgrade=True)
    indexes = _indexes(old)
    assert indexes["ix_item_shop_category_position"] == ["shop_id", "category_id", "position"]
    assert "ix_item_shop_card_order" not in indexes
    assert _items(old) == before
