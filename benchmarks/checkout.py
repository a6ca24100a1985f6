"""Checkouts under load: the write path a viral post hits.

wrk posts valid carts (two products, pickup, the cart script's JSON with a new
idempotency key each time) to gunicorn (2 sync workers), each from an address of its own
given in X-Forwarded-For as nginx would (TRUST_PROXY_HEADERS=1, the rate limits on, as
an operator runs them behind a proxy). Hello world is measured just before and after;
orders per second are given as a share of it, with p50 and p99 latency, and every
answer must be a recorded order. The SQL statements one checkout sends are counted in
process. The same load runs again with a discount code in every cart (10 % off, no use
limits: every order takes a use of the same row, the hot spot a posted code makes), with
its statements (a code may add 2: docs/coupons.md). On SQLite by default, on PostgreSQL
with --database-url.
"""

from __future__ import annotations

import uuid
from contextlib import ExitStack

from sqlalchemy import event, func, select

from . import wrk
from .data import BenchData
from .report import Row, at_least, at_most, ms
from .servers import gunicorn
from .workspace import create_app, environ

APP = "shop:create_app()"
HELLO_APP = "benchmarks.hello:app"
TITLE = "Checkout"
STATEMENTS_TARGET = 6
COUPON_STATEMENTS = 2  # the code's SELECT and its conditional UPDATE
CODE = "BENCH10"
P99_TARGET_US = 150_000
SHARE_TARGET = {"sqlite": 0.10, "postgresql": 0.06}
POSTS = """
local thread_number = 0
function setup(thread)
  thread_number = thread_number + 1
  thread:set("tid", thread_number)
end
counter = 0
request = function()
  counter = counter + 1
  local n = tid * 1000000 + counter
  local body = string.format(
    '{{"lines":[{lines}],"shipping_method_id":{method},"name":"Ana 🛍️",{coupon}'
    .. '"idempotency_key":"wrk-{run}-%d"}}', n)
  local headers = {{}}
  headers["Content-Type"] = "application/json"
  headers["Accept"] = "application/json"
  headers["Origin"] = "{origin}"
  headers["X-Forwarded-For"] = string.format(
    "10.%d.%d.%d", tid, math.floor(counter / 256) % 256, counter % 256)
  return wrk.format("POST", "{path}", headers, body)
end
"""


def run(data: BenchData, quick: bool = False) -> tuple[dict, list[Row]]:
    wrk.wrk_path()
    seconds = 2 if quick else 10
    ws = data.workspace
    shop = data.shops[200] if 200 in data.shops else data.shops[min(data.shops)]
    app = create_app(ws)
    items, method = _cart(app, shop.id)
    dialect = ws.database_url.split(":", 1)[0].split("+", 1)[0]
    results: dict = {"seconds": seconds, "database": dialect, "size": shop.size}
    results["statements"] = _statements_per_checkout(data, shop, items, method)
    _add_code(app, shop.id)
    results["statements_coupon"] = _statements_per_checkout(data, shop, items, method, CODE)
    lines = ",".join(f'{{"item_id":{item},"quantity":1}}' for item in items)
    with ExitStack() as stack:
        hello = stack.enter_context(gunicorn(HELLO_APP, ws.env(), ws.root, "hello-checkout"))
        server = stack.enter_context(
            gunicorn(APP, ws.env(TRUST_PROXY_HEADERS="1"), ws.root, "checkout")
        )
        results["hello_before"] = wrk.run(hello.base + "/", seconds, ws.root).as_dict()
        for key, coupon in (("", ""), ("_coupon", f'"coupon":"{CODE.lower()}",')):
            before = _orders(app, shop.id)
            lua = POSTS.format(
                lines=lines, method=method, origin=server.base, path=f"{shop.path}/checkout",
                run=uuid.uuid4().hex[:8], coupon=coupon,
            )  # fmt: skip
            load = wrk.run(server.base + shop.path, seconds, ws.root, request_lua=lua)
            server.drain()
            results["checkout" + key] = load.as_dict()
            results["recorded" + key] = _orders(app, shop.id) - before
        results["discounted"] = _discounted(app, shop.id)
        results["hello_after"] = wrk.run(hello.base + "/", seconds, ws.root).as_dict()
    return results, rows(results)


def rows(results: dict) -> list[Row]:
    hello = (results["hello_before"]["rps"] + results["hello_after"]["rps"]) / 2
    target = SHARE_TARGET.get(results["database"], 0.06)
    where = f"{results['size']}-product shop, {results['database']}"
    found: list[Row] = []
    for key, label in (("", ""), ("_coupon", " with a code")):
        if "checkout" + key not in results:  # results.json of a run before the code's row
            continue
        load, recorded = results["checkout" + key], results["recorded" + key]
        share = load["rps"] / hello if hello else 0
        # wrk stops counting at its deadline; the posts it left in flight are recorded too.
        orders_ok = load["errors"] == 0 and recorded >= load["requests"]
        if key and results.get("discounted", 0) < recorded:
            orders_ok = False  # every order with the code must carry its discount
        figure = (
            f"{load['rps']:,.0f} orders/s = {share:.1%} of hello ({hello:,.0f} req/s); "
            f"{load['requests']:,} answered, every one recorded"
            if orders_ok
            else f"{recorded:,} recorded of {load['requests']:,} answered"
        )
        if load["errors"]:
            figure += f"; {load['errors']} errors"
        found += [
            Row(TITLE, f"Orders per second{label}, {where}", figure, f"≥ {target:.0%} of hello",
                at_least(share, target) and orders_ok),
            Row(TITLE, f"Latency at concurrency 32{label}, {where}",
                f"p50 {ms(load['p50_us'])}, p99 {ms(load['p99_us'])}",
                f"p99 < {P99_TARGET_US // 1000} ms", at_most(load["p99_us"], P99_TARGET_US)),
        ]  # fmt: skip
    found.append(
        Row(TITLE, "SQL statements for one order (2 products, pickup)",
            str(results["statements"]), f"≤ {STATEMENTS_TARGET}",
            at_most(results["statements"], STATEMENTS_TARGET))
    )  # fmt: skip
    if "statements_coupon" in results:
        limit = STATEMENTS_TARGET + COUPON_STATEMENTS
        coupon = results["statements_coupon"]
        found.append(
            Row(TITLE, "SQL statements for one order with a code (10 % off)",
                f"{coupon} ({coupon - results['statements']:+d})", f"≤ {limit}",
                at_most(coupon, limit))
        )  # fmt: skip
    return found


def _cart(app, shop_id: int) -> tuple[list[int], int]:
    from shop.extensions import db
    from shop.models import Item, ShippingMethod

    with app.app_context():
        items = db.session.scalars(
            select(Item.id)
            .where(Item.shop_id == shop_id, Item.availability == "available")
            .order_by(Item.id)
            .limit(2)
        ).all()
        pickup = db.session.scalar(
            select(ShippingMethod.id).where(
                ShippingMethod.shop_id == shop_id, ShippingMethod.needs_address.is_(False)
            )
        )
    return list(items), pickup


def _add_code(app, shop_id: int) -> None:
    """The shop's code for the coupon run: 10 % off, no limits (made once)."""
    from shop.extensions import db
    from shop.models import Discount, Shop
    from shop.ordering.coupon_edits import save_discount

    with app.app_context():
        found = db.session.scalar(
            select(Discount.id).where(Discount.shop_id == shop_id, Discount.code == CODE.lower())
        )
        if found is None:
            save_discount(
                db.session.get(Shop, shop_id), None, code=CODE, name="", kind="percent", value=1000
            )
            db.session.commit()
        db.session.remove()


def _discounted(app, shop_id: int) -> int:
    from shop.extensions import db
    from shop.models import Order

    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(Order.shop_id == shop_id, Order.discount_code == CODE)
        )
        db.session.remove()
        return count or 0


def _statements_per_checkout(
    data: BenchData, shop, items: list[int], method: int, code: str = ""
) -> int:
    """Statements the third checkout of a warm app sends (the first ones warm it up)."""
    from shop.extensions import db

    with environ(data.workspace.settings()):
        app = create_app(data.workspace)
        client = app.test_client()
        counted: list[str] = []
        with app.app_context():
            engine = db.engine

        def count(conn, cursor, statement, *args):
            counted.append(statement)

        for n in range(3):
            counted.clear()
            if n == 2:
                event.listen(engine, "before_cursor_execute", count)
            response = client.post(
                f"{shop.path}/checkout",
                json={
                    "lines": [{"item_id": item, "quantity": 1} for item in items],
                    "shipping_method_id": method,
                    "name": "Ana",
                    "idempotency_key": uuid.uuid4().hex,
                    "coupon": code,
                },
                headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
                environ_base={"REMOTE_ADDR": f"10.99.0.{n + 1}"},
            )
            if response.status_code != 200:
                raise RuntimeError(f"checkout answered {response.status_code}")
            if code and not response.get_json().get("whatsapp_url"):
                raise RuntimeError("checkout with the code answered without an order")
        event.remove(engine, "before_cursor_execute", count)
        return len(counted)


def _orders(app, shop_id: int) -> int:
    from shop.extensions import db
    from shop.models import Order

    with app.app_context():
        count = db.session.scalar(select(func.count()).where(Order.shop_id == shop_id)) or 0
        db.session.remove()
        return count
