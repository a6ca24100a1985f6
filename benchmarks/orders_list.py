"""The merchant's orders list at 10, 1,000 and 10,000 orders (issue 20).

Each size is a shop of its own whose orders come from a fifth as many customers (five
orders each), half of them confirmed, each order with its first status change. A signed-in
merchant's requests go through the Flask test client in this process: the first page,
a page in the middle and the last one (keyset pages), a status filter and a customer's
orders; searches (by name, by phone digits, by number) are reported apart, since a
search for part of a name reads every order of the shop. For each: the SQL statements
the list itself sends (the page minus what any signed-in dashboard page costs) and
p50 / p99 of the whole request. Targets: at most 4 statements, and p50 at 10,000 orders
within 1.5 times p50 at 10. Every page shows the same five rows at every size
(ORDERS_PER_PAGE = 5; the app's page is fifty): otherwise ten orders make a page of
ten rows and the larger shops one of fifty, and the growth measured is the page's
length, not the database's.

Run alone with ``python -m benchmarks.orders_list [--database-url postgresql://.../bench]``
(a fresh SQLite file by default), or with the others through ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time
from datetime import datetime, timedelta

from sqlalchemy import event, insert, select

from .report import Row, at_most, ms
from .workspace import Workspace, create_app

TITLE = "Orders list"
SIZES = (10, 1_000, 10_000)
STATEMENTS_TARGET = 4
GROWTH_TARGET = 1.5
START = datetime(2026, 1, 1, 9, 0)
BASE = "https://bench.vitrina.test"
ROWS = 5  # per page, at every size


def _fill(app, size: int) -> tuple[int, int, int, int]:
    """A shop with `size` orders; returns (user id, shop id, a busy customer's id, the id
    of the shipping method half the orders used)."""
    from shop.extensions import db
    from shop.models import Activity, Order, ShippingMethod, Shop, User

    with app.app_context():
        # Slugs and accounts of their own: the shared benchmark data has bench-<size> shops.
        user = User(oidc_issuer="bench", oidc_subject=f"orders-owner-{size}",
                    email=f"orders{size}@x.test", name="Owner")  # fmt: skip
        shop = Shop(owner=user, slug=f"orders-{size}", name=f"Orders {size}",
                    whatsapp="+34612345678", currency="EUR", language="es")  # fmt: skip
        pickup = ShippingMethod(shop=shop, name="Recogida", price_minor=0, needs_address=False)
        db.session.add_all([user, shop, pickup])
        db.session.flush()
        customers = max(1, size // ROWS)
        rows = []
        for n in range(1, size + 1):
            who = n % customers
            rows.append({
                "shop_id": shop.id, "number": n, "token": secrets.token_urlsafe(32),
                "idempotency_key": f"k{n}",
                "status": "confirmed" if n % 2 else ("new", "delivered")[n // 2 % 2],
                "currency": "EUR", "currency_exponent": 2, "language": "es",
                "customer_name": f"Cliente {who} Ñandú", "customer_address": "Calle 1",
                "customer_notes": "", "customer_phone": f"+34699{who:06d}",
                "shipping_name": ("Envío", "Recogida")[n // 2 % 2], "shipping_price_minor": 300,
                "shipping_needs_address": True, "subtotal_minor": 2000, "total_minor": 2300,
                "payment_name": ("Efectivo", "Bizum")[n % 2],
                "created_at": START + timedelta(minutes=n),
            })  # fmt: skip
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(Order.__table__), rows[start : start + 1000])
        db.session.execute(
            insert(Activity.__table__).from_select(
                ["shop_id", "order_id", "status", "changed_at", "note"],
                select(
                    Order.shop_id, Order.id, Order.status, Order.created_at, Order.customer_notes
                ).where(Order.shop_id == shop.id),
            )
        )
        busy = db.session.scalar(
            select(Order.customer_id).where(Order.shop_id == shop.id, Order.number == size)
        )
        db.session.commit()
        _analyze(db.engine)
        return user.id, shop.id, busy, pickup.id


def _analyze(engine) -> None:
    """PostgreSQL: statistics as autovacuum keeps them for a shop whose orders came over
    months; a table filled in a second has none yet, and its plans would be the ones of
    an empty table (a sort of every order for the first page)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE shop_order, order_count, activity")


def _client(app, user_id: int):
    from shop.auth.sessions import start_session
    from shop.extensions import db
    from shop.models import User

    with app.app_context():
        token = start_session(db.session.get(User, user_id))
        db.session.commit()
    client = app.test_client()
    with client.session_transaction(base_url=BASE) as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def _measure(app, client, path: str, rounds: int) -> dict:
    """Statements of one request; p50 / p99 of the whole request and of its time in
    the database (the part the number of orders could move; the rest is rendering)."""
    from shop.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list[str] = []
    in_database = [0.0]

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)
        conn.info["began"] = time.perf_counter()

    def done(conn, cursor, statement, *args) -> None:
        in_database[0] += time.perf_counter() - conn.info.pop("began", time.perf_counter())

    for _ in range(3):  # warm: templates compiled, plans cached
        assert client.get(path, base_url=BASE).status_code == 200, path
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "after_cursor_execute", done)
    try:
        status = client.get(path, base_url=BASE).status_code
        statements = len(seen)
        times, sql = [], []
        for _ in range(rounds):
            in_database[0] = 0.0
            began = time.perf_counter()
            client.get(path, base_url=BASE)
            times.append((time.perf_counter() - began) * 1_000_000)
            sql.append(in_database[0] * 1_000_000)
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "after_cursor_execute", done)
    return {
        "status": status,
        "statements": statements,
        "p50_us": _pick(times, 0.5),
        "p99_us": _pick(times, 0.99),
        "sql_p50_us": _pick(sql, 0.5),
        "sql_p99_us": _pick(sql, 0.99),
    }


def _pick(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return (
        statistics.median(ordered) if share == 0.5 else ordered[round(share * (len(ordered) - 1))]
    )


def pages(size: int, customer: int, pickup: int) -> dict[str, str]:
    return {
        "first page": "/dashboard/orders",
        "middle page": f"/dashboard/orders?before={size // 2 + 1}",
        "last page": f"/dashboard/orders?before={ROWS + 1}",
        "status filter": "/dashboard/orders?status=confirmed",
        "customer's orders": f"/dashboard/orders?customer={customer}",
        "shipping filter": f"/dashboard/orders?shipping={pickup}",
        "search: number": f"/dashboard/orders?q={max(1, size // 2)}",
        "search: name": "/dashboard/orders?q=cliente 1 ñandú",
        "search: phone": "/dashboard/orders?q=699000001",
    }


def run(
    data=None, quick: bool = False, workspace: Workspace | None = None, sizes=SIZES
) -> tuple[dict, list]:
    """Fill the shops, measure each page; (raw results, rows of the table)."""
    workspace = workspace or data.workspace
    app = create_app(workspace, SESSION_COOKIE_SECURE="1")
    app.config["ORDERS_PER_PAGE"] = ROWS
    _migrate(app)
    rounds = 5 if quick else 60
    results: dict = {}
    for size in sizes:
        user_id, _shop_id, customer, pickup = _fill(app, size)
        client = _client(app, user_id)
        signed_in = _measure(app, client, "/dashboard/customers/privacy", 1)["statements"]
        for name, path in pages(size, customer, pickup).items():
            found = _measure(app, client, path, rounds)
            found["list_statements"] = found["statements"] - signed_in
            results.setdefault(name, {})[size] = found
    return results, _rows(results, workspace)


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        from shop.extensions import db

        if "shop_order" not in db.inspect(db.engine).get_table_names():
            upgrade()


def _rows(results: dict, workspace: Workspace) -> list[Row]:
    database = workspace.database_url.split(":", 1)[0].split("+")[0]
    rows = []
    for name, by_size in results.items():
        small, big = by_size[min(by_size)], by_size[max(by_size)]
        most = max(r["list_statements"] for r in by_size.values())
        figures = ", ".join(
            f"{size:,}: {ms(r['p50_us'])} / {ms(r['p99_us'])} (sql {ms(r['sql_p50_us'])})"
            for size, r in by_size.items()
        )
        rows.append(
            Row(TITLE, f"{name} ({database}): list statements", str(most),
                f"<= {STATEMENTS_TARGET}", at_most(most, STATEMENTS_TARGET))
        )  # fmt: skip
        growth = big["p50_us"] / small["p50_us"]
        searching = name.startswith("search")
        rows.append(
            Row(TITLE, f"{name} ({database}): p50 / p99", f"{figures}; x{growth:.2f}",
                "" if searching else f"10,000 <= {GROWTH_TARGET}x 10",
                None if searching else at_most(growth, GROWTH_TARGET))
        )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.orders_list")
    parser.add_argument("--database-url", help="PostgreSQL database to use (it is emptied)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    workspace = Workspace.create(args.database_url)
    try:
        results, rows = run(quick=args.quick, workspace=workspace)
    finally:
        workspace.remove()
    for row in rows:
        print(f"{row.measure:<55} {row.figure:<60} {row.target:<18} {row.verdict}")
    width = max(len(name) for name in results)
    print()
    print("list statements (whole request), p50 / p99 of the request, p50 / p99 in the database")
    for size in sorted(next(iter(results.values()))):
        print(f"-- {size:,} orders")
        for name, by_size in results.items():
            r = by_size[size]
            print(
                f"  {name:<{width}} {r['list_statements']} ({r['statements']})"
                f"  {ms(r['p50_us']):>9} / {ms(r['p99_us']):>9}"
                f"  sql {ms(r['sql_p50_us']):>8} / {ms(r['sql_p99_us']):>8}"
            )


if __name__ == "__main__":
    main()
