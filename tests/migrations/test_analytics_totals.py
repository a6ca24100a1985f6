"""0025: each day gets its product views' and adds' totals from the products' rows;
the rows already there are kept as they were, and a downgrade gives them back alone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

BEFORE = "0024_domains"
NOW = datetime(2026, 12, 5, 19, 0)
NAMES = ("shop", "day", "kind", "item", "count")


def _shop(old, owner: int, slug: str) -> int:
    return old.insert(
        "shop", owner_id=owner, slug=slug, name=f"Tienda {slug} ☀️", description="",
        whatsapp="+34612345678", currency="EUR", currency_exponent=2, language="es",
        paused=False, pause_message="", catalog_version=5, next_order_number=1,
        created_at=NOW, updated_at=NOW, ask_phone="optional",
    )  # fmt: skip


def _rows(old) -> list[tuple]:
    with old.connection() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    "SELECT shop_id, CAST(day AS VARCHAR(10)), kind, item_id, count "
                    "FROM analytics_day ORDER BY 1, 2, 3, 4"
                )
            )
        ]


def test_day_totals_are_summed_from_the_products_rows_and_removed_on_downgrade(database_at):
    old = database_at(BEFORE)
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    sol, luna = _shop(old, owner, "sol"), _shop(old, owner, "luna")
    counts = [
        (sol, "2026-12-04", "visitor", 0, 7),
        (sol, "2026-12-04", "shop_view", 0, 12),
        (sol, "2026-12-04", "product_view", 11, 5),
        (sol, "2026-12-04", "product_view", 12, 3),
        (sol, "2026-12-04", "add", 11, 2),
        (sol, "2026-12-05", "product_view", 11, 4),
        (luna, "2026-12-04", "product_view", 21, 9),
    ]
    with old.connection() as conn:  # the table has no id column for old.insert
        conn.execute(
            text(
                "INSERT INTO analytics_day (shop_id, day, kind, item_id, count) "
                "VALUES (:shop, :day, :kind, :item, :count)"
            ),
            [dict(zip(NAMES, row, strict=True)) for row in counts],
        )
        conn.commit()
    before = _rows(old)

    old.upgrade("head")
    after = _rows(old)
    assert set(before) <= set(after)  # nothing already there changed
    assert sorted(set(after) - set(before)) == sorted([
        (sol, "2026-12-04", "add", 0, 2),
        (sol, "2026-12-04", "product_view", 0, 8),
        (sol, "2026-12-05", "product_view", 0, 4),
        (luna, "2026-12-04", "product_view", 0, 9),
    ])  # fmt: skip

    old.upgrade(BEFORE, downgrade=True)
    assert _rows(old) == before
