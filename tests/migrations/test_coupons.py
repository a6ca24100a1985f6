"""0017: every order keeps its lines and totals and arrives without a discount; coupons
may then be made, and going back down keeps the orders."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

BEFORE = "0019_team"
NOW = datetime(2026, 12, 5, 12, 0)


def _fill_as_0016(old) -> tuple[int, int]:
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="",
        whatsapp="+34612345678", currency="EUR", currency_exponent=2, language="es",
        paused=False, pause_message="", catalog_version=5, next_order_number=3,
        created_at=NOW, updated_at=NOW, min_order_minor=0, time_zone="",
        closed_policy="refuse", ask_phone="optional", stale_after_minutes=15,
        email_new_orders=False,
    )  # fmt: skip
    order = old.insert(
        "shop_order", shop_id=shop, number=1, token="t" * 43, idempotency_key="k1",
        status="new", currency="EUR", currency_exponent=2, language="es",
        customer_name="Ana 🌞", customer_address="", customer_notes="", customer_phone="",
        shipping_name="Envío", shipping_price_minor=300, shipping_needs_address=True,
        subtotal_minor=4850, total_minor=5150, payment_kind="", payment_name="",
        payment_details="", closed_note="", created_at=NOW, paid_method="",
        paid_reference="",
    )  # fmt: skip
    for position, (name, total) in enumerate((("Camiseta", 4000), ("Gorra", 850))):
        old.insert(
            "order_line", order_id=order, position=position, name=name, code="",
            unit_price_minor=total, quantity=1, line_total_minor=total, options_text="",
            options="[]",
        )  # fmt: skip
    return shop, order


def test_orders_keep_their_totals_and_arrive_without_a_discount(database_at):
    old = database_at(BEFORE)
    shop, order = _fill_as_0016(old)
    old.upgrade("head")
    with old.connection() as conn:
        row = conn.execute(
            text(
                "SELECT subtotal_minor, total_minor, discount_code, discount_name, "
                "discount_minor, discount_shipping_minor, discount_id "
                "FROM shop_order WHERE id = :id"
            ),
            {"id": order},
        ).one()
        assert tuple(row) == (4850, 5150, "", "", 0, 0, None)
        assert not conn.execute(text("SELECT has_automatic_discount FROM shop")).scalar()
        lines = conn.execute(
            text("SELECT name, line_total_minor, discount_minor FROM order_line ORDER BY position")
        )
        assert [tuple(line) for line in lines] == [("Camiseta", 4000, 0), ("Gorra", 850, 0)]
        conn.execute(
            text(
                "INSERT INTO discount (shop_id, code, name, kind, value, uses, active, "
                "category_ids, item_ids, created_at) VALUES (:shop, 'verano10', '', "
                "'percent', 1000, 0, true, '[]', '[]', :now)"
            ),
            {"shop": shop, "now": NOW},
        )
        conn.commit()
        # One code per shop, and only the kinds there are.
        with pytest.raises(IntegrityError):
            conn.execute(
                text(
                    "INSERT INTO discount (shop_id, code, name, kind, value, uses, active, "
                    "category_ids, item_ids, created_at) VALUES (:shop, 'verano10', '', "
                    "'fixed', 100, 0, true, '[]', '[]', :now)"
                ),
                {"shop": shop, "now": NOW},
            )
        conn.rollback()
        with pytest.raises(IntegrityError):
            conn.execute(
                text(
                    "INSERT INTO discount (shop_id, code, name, kind, value, uses, active, "
                    "category_ids, item_ids, created_at) VALUES (:shop, 'x', '', "
                    "'half_off', 100, 0, true, '[]', '[]', :now)"
                ),
                {"shop": shop, "now": NOW},
            )
        conn.rollback()

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        row = conn.execute(text("SELECT subtotal_minor, total_minor FROM shop_order")).one()
        assert tuple(row) == (4850, 5150)
        assert conn.execute(text("SELECT count(*) FROM order_line")).scalar() == 2
        # The shop table was copied on SQLite: its catalog-version triggers were made again.
        conn.execute(text("UPDATE shop SET name = 'Sol' WHERE id = :id"), {"id": shop})
        conn.commit()
        moved = conn.execute(text("SELECT catalog_version FROM shop")).scalar()
        assert moved > 5
        # ...with every public column 0019 had, the ads pixels (0017) included.
        conn.execute(text("UPDATE shop SET meta_pixel_id = '123456789012345'"))
        conn.commit()
        assert conn.execute(text("SELECT catalog_version FROM shop")).scalar() == moved + 1
