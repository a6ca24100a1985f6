"""0023: every shipping method becomes one zone "everywhere" at its fee and free-above
amount, so orders are priced as before; orders and shops keep everything, and going
back down keeps the methods and orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

BEFORE = "0020_coupons"
NOW = datetime(2026, 12, 6, 12, 0)


def _fill_as_0020(old) -> tuple[int, list[int]]:
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="",
        whatsapp="+34612345678", currency="EUR", currency_exponent=2, language="es",
        paused=False, pause_message="", catalog_version=5, next_order_number=2,
        created_at=NOW, updated_at=NOW, min_order_minor=0, time_zone="",
        closed_policy="refuse", ask_phone="optional", stale_after_minutes=15,
        email_new_orders=False, has_automatic_discount=False,
    )  # fmt: skip
    methods = [
        old.insert(
            "shipping_method",
            shop_id=shop,
            name=name,
            price_minor=price,
            needs_address=address,
            active=True,
            position=position,
            free_above_minor=free,
        )
        for position, (name, price, address, free) in enumerate(
            (("Envío 🛵", 300, True, 5000), ("Recogida", 0, False, None))
        )
    ]
    old.insert(
        "shop_order", shop_id=shop, number=1, token="t" * 43, idempotency_key="k1",
        status="new", currency="EUR", currency_exponent=2, language="es",
        customer_name="Ana", customer_address="Calle Mayor 1", customer_notes="",
        customer_phone="", shipping_name="Envío 🛵", shipping_price_minor=300,
        shipping_needs_address=True, subtotal_minor=2000, total_minor=2300,
        payment_kind="", payment_name="", payment_details="", closed_note="",
        created_at=NOW, paid_method="", paid_reference="", discount_code="",
        discount_name="", discount_minor=0, discount_shipping_minor=0,
    )  # fmt: skip
    return shop, methods


def test_each_method_becomes_one_zone_at_its_fee(database_at):
    old = database_at(BEFORE)
    shop, methods = _fill_as_0020(old)
    old.upgrade("head")
    with old.connection() as conn:
        zones = conn.execute(
            text(
                "SELECT method_id, shop_id, kind, fee_minor, free_above_minor, min_order_minor, "
                "max_m FROM shipping_zone ORDER BY method_id"
            )
        ).all()
        assert [tuple(zone) for zone in zones] == [
            (methods[0], shop, "everywhere", 300, 5000, None, None),
            (methods[1], shop, "everywhere", 0, None, None, None),
        ]
        order = conn.execute(
            text(
                "SELECT total_minor, shipping_price_minor, zone_name, customer_lat, "
                "customer_lng FROM shop_order"
            )
        ).one()
        assert tuple(order) == (2300, 300, "", None, None)
        location = conn.execute(text("SELECT latitude, longitude FROM shop")).one()
        assert tuple(location) == (None, None)
        # The shop's location and the new table move the catalog version.
        conn.execute(text("UPDATE shop SET latitude = 40.4, longitude = -3.7"))
        conn.commit()
        version = conn.execute(text("SELECT catalog_version FROM shop")).scalar()
        assert version > 5
        conn.execute(text("UPDATE shipping_zone SET fee_minor = 350 WHERE method_id = :m"),
                     {"m": methods[0]})  # fmt: skip
        conn.commit()
        assert conn.execute(text("SELECT catalog_version FROM shop")).scalar() > version

    old.upgrade(BEFORE, downgrade=True)
    with old.connection() as conn:
        kept = conn.execute(
            text("SELECT name, price_minor, free_above_minor FROM shipping_method ORDER BY id")
        ).all()
        assert [tuple(row) for row in kept] == [("Envío 🛵", 300, 5000), ("Recogida", 0, None)]
        assert conn.execute(text("SELECT total_minor FROM shop_order")).scalar() == 2300
        version = conn.execute(text("SELECT catalog_version FROM shop")).scalar()
        conn.execute(text("UPDATE shop SET name = 'Sol' WHERE id = :id"), {"id": shop})
        conn.commit()
        assert conn.execute(text("SELECT catalog_version FROM shop")).scalar() > version
