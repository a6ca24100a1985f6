"""0028: size and colour groups made before become variant groups, so their stock per
combination carries on; other groups do not; the catalog_quiet switch arrives with
triggers that heed it (and move the version as before without it); down again, both go."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, text

from shop import catalog
from shop.catalog.options import combinations
from shop.extensions import db
from shop.models import Item
from shop.models.catalog_version import moves_once

BEFORE = "0027_item_card_order"
NOW = datetime(2026, 12, 6, 19, 0)


def _shop(old) -> tuple[int, int]:
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="",
        whatsapp="+34612345678", currency="EUR", currency_exponent=2, language="es",
        paused=False, pause_message="", catalog_version=5, next_order_number=3,
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    item = old.insert(
        "item", shop_id=shop, name="Camiseta 👕", description="", price_minor=2000, code="",
        availability="available", is_service=False, position=0, created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    return shop, item


def _group(old, item: int, name: str, kind: str, choices: list[str], position: int) -> list[int]:
    group = old.insert(
        "option_group", item_id=item, name=name, kind=kind, min_choices=1, max_choices=1,
        position=position,
    )  # fmt: skip
    return [
        old.insert("option_choice", group_id=group, name=c, price_delta_minor=0, position=n)
        for n, c in enumerate(choices)
    ]


def _version(conn) -> int:
    return conn.execute(text("SELECT catalog_version FROM shop")).scalar_one()


def test_size_and_colour_groups_keep_their_stock_and_the_quiet_switch_arrives(database_at):
    old = database_at(BEFORE)
    shop_id, item_id = _shop(old)
    sizes = _group(old, item_id, "Talla", "size", ["S", "M"], 0)
    colours = _group(old, item_id, "Color", "color", ["Rojo", "Azul"], 1)
    _group(old, item_id, "Extras", "other", ["Lazo"], 2)
    for size, colour, stock in ((sizes[0], colours[0], 3), (sizes[1], colours[1], 0)):
        key = "-".join(str(i) for i in sorted((size, colour)))
        old.execute(
            "INSERT INTO variant_stock (item_id, key, stock) VALUES (:item, :key, :stock)",
            item=item_id, key=key, stock=stock,
        )  # fmt: skip

    with old.connection() as conn:
        before = _version(conn)  # the old triggers counted the rows above
    old.upgrade("head")
    with old.connection() as conn:
        flags = conn.execute(text("SELECT name, is_variant FROM option_group ORDER BY position"))
        assert [(name, bool(flag)) for name, flag in flags] == [
            ("Talla", True),
            ("Color", True),
            ("Extras", False),
        ]
        assert _version(conn) == before  # marking the groups is no change a shopper sees
        assert conn.execute(text("SELECT count(*) FROM catalog_quiet")).scalar_one() == 0
    with old.app.test_request_context():
        item = db.session.get(Item, item_id)
        counted = {combo.label: combo.stock for combo in combinations(item)}
        assert counted == {"S / Rojo": 3, "S / Azul": None, "M / Rojo": None, "M / Azul": 0}
        # The triggers move the version per write as before, and once under moves_once.
        item.price_minor = 2100
        db.session.commit()
        assert db.session.scalar(text("SELECT catalog_version FROM shop")) == before + 1
        with moves_once(db.session, shop_id):
            for n in range(5):
                catalog.create_category(item.shop, f"Nueva {n}")
        db.session.commit()
        assert db.session.scalar(text("SELECT catalog_version FROM shop")) == before + 2
        assert db.session.scalar(text("SELECT count(*) FROM catalog_quiet")) == 0
        db.session.remove()

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        assert "catalog_quiet" not in inspect(conn).get_table_names()
        columns = {c["name"] for c in inspect(conn).get_columns("option_group")}
        assert "is_variant" not in columns
        conn.execute(text("UPDATE item SET price_minor = 2200"))
        conn.commit()
        assert _version(conn) == before + 3  # the triggers of 0025 again
        assert conn.execute(text("SELECT count(*) FROM variant_stock")).scalar_one() == 2
