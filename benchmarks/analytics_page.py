"""The merchant's analytics page over a year of a busy shop (issue 22).

A shop of its own with 1,000 products, two years of daily counters (every day its
visitors, shop views and checkouts, 150 products viewed and 40 added to a cart, seven
sources with two campaigns each) and eight orders a day of two lines each, so a year's
period also has a year before it to compare with. A signed-in owner's requests go
through the Flask test client in this process (``signed_in``): the 30-day page, the
year (a custom range of 365 days) and the year's CSV. Targets: at most 6 SQL statements
(the signed-in session's included), p50 within 50 ms for 30 days and 200 ms for a year.

Run alone with ``python -m benchmarks.analytics_page [--database-url postgresql://...]``
(a fresh SQLite file by default), or with the others through ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import random
import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, text

from .report import Row, at_most, ms
from .signed_in import BASE, client_for, measure
from .workspace import Workspace, create_app

TITLE = "Analytics page"
PRODUCTS = 1_000
DAYS = 730  # a year, and the year before it to compare with
STATEMENTS_TARGET = 6
TARGET_US = {"30 days": 50_000, "a year": 200_000, "a year, CSV": 200_000}
SOURCES = ("instagram", "facebook", "whatsapp", "tiktok", "google", "other", "direct")


def _fill(app, today: date) -> int:
    """The shop, its products, counters and orders; returns the owner's user id."""
    from shop.extensions import db
    from shop.models import DailyCount, DailySource, Item, Order, OrderLine, Shop, User

    rng = random.Random(22)
    with app.app_context():
        user = User(oidc_issuer="bench", oidc_subject="analytics-owner",
                    email="analytics@x.test", name="Owner")  # fmt: skip
        shop = Shop(owner=user, slug="analytics-1000", name="Analytics 1000",
                    whatsapp="+34612345678", currency="EUR", language="es")  # fmt: skip
        db.session.add_all([user, shop])
        db.session.flush()
        products = [
            {"shop_id": shop.id, "name": f"Producto {n} ñ", "price_minor": 500 + n, "position": n}
            for n in range(PRODUCTS)
        ]
        db.session.execute(insert(Item.__table__), products)
        items = [row.id for row in db.session.query(Item.id).filter_by(shop_id=shop.id)]
        counts, sources = [], []
        for back in range(DAYS):
            day = today - timedelta(days=back)
            for kind, number in (("visitor", 300), ("shop_view", 900), ("checkout", 20)):
                counts.append({"shop_id": shop.id, "day": day, "kind": kind, "item_id": 0,
                               "count": number + rng.randrange(50)})  # fmt: skip
            for kind, many in (("product_view", 150), ("add", 40)):
                total = 0
                for item_id in rng.sample(items, many):
                    count = rng.randrange(1, 30)
                    total += count
                    counts.append({"shop_id": shop.id, "day": day, "kind": kind,
                                   "item_id": item_id, "count": count})  # fmt: skip
                # The day's total, which every writer keeps beside the products' rows.
                counts.append({"shop_id": shop.id, "day": day, "kind": kind, "item_id": 0,
                               "count": total})  # fmt: skip
            for source in SOURCES:
                for campaign in ("", "bio"):
                    sources.append({"shop_id": shop.id, "day": day, "source": source,
                                    "campaign": campaign, "visitors": rng.randrange(40),
                                    "views": rng.randrange(120), "orders": rng.randrange(3),
                                    "revenue_minor": rng.randrange(9000)})  # fmt: skip
        _insert(DailyCount, counts)
        _insert(DailySource, sources)
        orders = []
        for back in range(DAYS):
            noon = datetime.combine(today - timedelta(days=back), time(12), tzinfo=UTC)
            for n in range(8):
                number = len(orders) + 1
                orders.append({
                    "shop_id": shop.id, "number": number, "token": secrets.token_urlsafe(32),
                    "idempotency_key": f"a{number}",
                    "status": ("new", "confirmed", "delivered", "cancelled")[number % 4],
                    "currency": "EUR", "currency_exponent": 2, "language": "es",
                    "customer_name": f"Cliente {number % 500}", "customer_address": "",
                    "customer_notes": "", "customer_phone": f"+34699{number % 500:06d}",
                    "shipping_name": "Recogida", "shipping_price_minor": 0,
                    "shipping_needs_address": False, "subtotal_minor": 3000,
                    "total_minor": 3000, "payment_name": "Efectivo",
                    "created_at": (noon + timedelta(minutes=n * 37)).replace(tzinfo=None),
                })  # fmt: skip
        _insert(Order, orders)
        ids = dict(db.session.query(Order.number, Order.id).filter_by(shop_id=shop.id))
        lines = [
            {
                "order_id": ids[order["number"]],
                "item_id": item_id,
                "position": position,
                "name": f"Producto {item_id}",
                "unit_price_minor": 1500,
                "quantity": 1,
                "line_total_minor": 1500,
            }
            for order in orders
            for position, item_id in enumerate(rng.sample(items, 2))
        ]
        _insert(OrderLine, lines)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would soon after such a load: plans are chosen with statistics.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        return user.id


def _insert(model, rows: list[dict]) -> None:
    from shop.extensions import db

    for start in range(0, len(rows), 2_000):
        db.session.execute(insert(model.__table__), rows[start : start + 2_000])


def pages(today: date) -> dict[str, str]:
    year = f"period=custom&start={today - timedelta(days=364)}&end={today}"
    return {
        "30 days": "/dashboard/analytics?period=30",
        "a year": f"/dashboard/analytics?{year}",
        "a year, CSV": f"/dashboard/analytics.csv?{year}",
    }


def run(data=None, quick: bool = False, workspace: Workspace | None = None) -> tuple[dict, list]:
    """Fill the shop, measure each page; (raw results, rows of the table)."""
    workspace = workspace or data.workspace
    # The app's own host, as a merchant's browser names it (no custom-domain lookups).
    app = create_app(workspace, SESSION_COOKIE_SECURE="1", APP_URL=BASE)
    _migrate(app)
    today = datetime.now(UTC).date()  # the shop's zone is UTC: its today is UTC's
    client = client_for(app, _fill(app, today))
    results = {
        name: measure(app, client, path, 5 if quick else 30) for name, path in pages(today).items()
    }
    return results, _rows(results, workspace)


def _migrate(app) -> None:
    from flask_migrate import upgrade

    from shop.extensions import db

    with app.app_context():
        if "analytics_day" not in db.inspect(db.engine).get_table_names():
            upgrade()


def _rows(results: dict, workspace: Workspace) -> list[Row]:
    database = workspace.database_url.split(":", 1)[0].split("+")[0]
    rows = []
    for name, found in results.items():
        target = TARGET_US[name]
        passed = at_most(found["statements"], STATEMENTS_TARGET) and at_most(
            found["p50_us"], target
        )
        rows.append(Row(
            TITLE, f"{name} ({database}, {PRODUCTS:,} products, {DAYS} days of rows): "
            "statements, p50 / p99",
            f"{found['statements']}, {ms(found['p50_us'])} / {ms(found['p99_us'])}",
            f"<= {STATEMENTS_TARGET}, p50 <= {ms(target)}",
            passed,
        ))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.analytics_page")
    parser.add_argument("--database-url", help="PostgreSQL database to use (it is emptied)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    workspace = Workspace.create(args.database_url)
    try:
        _results, rows = run(quick=args.quick, workspace=workspace)
    finally:
        workspace.remove()
    from .report import table

    print(table(rows))


if __name__ == "__main__":
    main()
