"""0021: orders from a 0020 database become customers (numbers written differently are one
customer, orders without a number are matched by name), nothing of the orders is lost,
the next order finds its customer, and going back down keeps the orders."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, inspect, select, text

from shop.extensions import db
from shop.models import Customer, Order
from shop.ordering.customers import totals_of

BEFORE = "0020_coupons"
NOW = datetime(2026, 12, 5, 12, 0)


def _fill_as_0020(old) -> int:
    owner = old.insert(
        "user_account", oidc_issuer="https://issuer.test", oidc_subject="ana",
        email="ana@example.com", name="Ana", created_at=NOW, is_operator=False,
    )  # fmt: skip
    shop = old.insert(
        "shop", owner_id=owner, slug="sol", name="Sol ☀️", description="",
        whatsapp="+34612345678", currency="EUR", currency_exponent=2, language="es",
        paused=False, pause_message="", catalog_version=5, next_order_number=7,
        created_at=NOW, updated_at=NOW, min_order_minor=0, time_zone="",
        closed_policy="refuse", ask_phone="optional", stale_after_minutes=15,
        email_new_orders=False, has_automatic_discount=False,
    )  # fmt: skip
    shoppers = [
        ("Zoë 🌻", "+34 612 34 56 78", "new", 1300),
        ("Zoe", "612345678", "delivered", 2000),  # the same number, written differently
        ("Zoë 🌻", "+34612345678", "cancelled", 999),
        ("Luis", "", "new", 500),
        ("  LUIS ", "", "confirmed", 700),  # no number: matched by name, any case
        ("Ana", "12", "new", 100),  # a malformed number: matched by name
    ]
    for number, (name, phone, status, total) in enumerate(shoppers, start=1):
        order = old.insert(
            "shop_order", shop_id=shop, number=number, token=f"t{number}".ljust(43, "x"),
            idempotency_key=f"k{number}", status=status, currency="EUR",
            currency_exponent=2, language="es", customer_name=name,
            customer_address="Calle 1", customer_notes="", customer_phone=phone,
            shipping_name="Envío", shipping_price_minor=0, shipping_needs_address=True,
            subtotal_minor=total, total_minor=total, payment_kind="", payment_name="",
            payment_details="", closed_note="", created_at=NOW + timedelta(hours=number),
            paid_method="", paid_reference="", discount_code="", discount_name="",
            discount_minor=0, discount_shipping_minor=0,
        )  # fmt: skip
        old.insert(
            "order_line", order_id=order, position=0, name="Pan", code="",
            unit_price_minor=total, quantity=1, line_total_minor=total, options_text="",
            options="[]", discount_minor=0,
        )  # fmt: skip
    return shop


def test_existing_orders_become_customers_matched_by_number_or_name(database_at):
    old = database_at(BEFORE)
    shop_id = _fill_as_0020(old)

    old.upgrade()

    with old.app.test_request_context():
        customers = db.session.scalars(select(Customer).order_by(Customer.id)).all()
        assert [(c.name, c.phone, c.key) for c in customers] == [
            ("Zoë 🌻", "+34612345678", "+34612345678"),
            ("Luis", "", "n:luis"),
            ("Ana", "", "n:ana"),
        ]
        orders = db.session.scalars(select(Order).order_by(Order.number)).all()
        assert [o.customer_id for o in orders] == [customers[i].id for i in (0, 0, 0, 1, 1, 2)]
        assert [o.customer_phone for o in orders][:3] == ["+34612345678"] * 3
        assert orders[5].customer_phone == "12"  # kept as typed; not a number to match
        assert [o.total_minor for o in orders] == [1300, 2000, 999, 500, 700, 100]
        assert db.session.scalar(select(func.count()).select_from(Order)) == 6
        assert all(len(o.lines) == 1 for o in orders)
        totals = totals_of([customers[0].id])[customers[0].id]
        assert (totals.orders, totals.spent_minor) == (3, 3300)  # the cancelled one left out
        assert totals.first_at == NOW + timedelta(hours=1)
        assert totals.last_at == NOW + timedelta(hours=3)
        # The next order of a known shopper finds them (the trigger made by 0021).
        order = Order(
            shop_id=shop_id, number=7, token="t7".ljust(43, "x"), idempotency_key="k7",
            currency="EUR", currency_exponent=2, language="es", customer_name="Luis",
            customer_phone="", subtotal_minor=1, total_minor=1,
        )  # fmt: skip
        db.session.add(order)
        db.session.commit()
        assert order.customer_id == customers[1].id
        assert order.customer_key == "n:luis"
        db.session.remove()


def test_downgrade_keeps_the_orders(database_at):
    old = database_at(BEFORE)
    _fill_as_0020(old)
    old.upgrade()

    old.upgrade(BEFORE, downgrade=True)

    with old.connection() as conn:
        totals = conn.execute(text("SELECT total_minor FROM shop_order ORDER BY number"))
        assert [row[0] for row in totals] == [1300, 2000, 999, 500, 700, 100]
        columns = {c["name"] for c in inspect(conn).get_columns("shop_order")}
        assert not columns & {"customer_id", "customer_key"}
        assert "customer" not in inspect(conn).get_table_names()
        # Orders go in as before, with no trigger left behind.
        conn.execute(
            text(
                "INSERT INTO shop_order (shop_id, number, token, idempotency_key, status, "
                "currency, currency_exponent, language, customer_name, customer_address, "
                "customer_notes, customer_phone, shipping_name, shipping_price_minor, "
                "shipping_needs_address, subtotal_minor, total_minor, payment_kind, "
                "payment_name, payment_details, closed_note, created_at) SELECT shop_id, 9, "
                "'t9', 'k9', 'new', 'EUR', 2, 'es', 'Eva', '', '', '', '', 0, false, 1, 1, "
                "'', '', '', '', created_at FROM shop_order WHERE number = 1"
            )
        )
        conn.commit()
