"""CPU time per request, measured in process: what each request costs the worker.

Throughput figures depend on the load generator and the other core; CPU time spent
by the thread that serves a request does not, so it shows small changes (a refactor,
a trimmed hook) that wrk's run-to-run spread would hide. Each request goes through the
whole WSGI app (fast path, Flask, hooks, compression) with the Flask test client;
`time.thread_time` around it counts this thread's CPU only, with the database's work
on SQLite included (it runs in the same thread) and PostgreSQL's excluded.

Cases, for the 200-product shop:
- shop page, first render: the page cache off (PAGE_CACHE=off), so every request
  renders, reusing only what is remembered by its contents (cards, the frame);
- shop page, repeated: the page cache on; the page comes from it;
- product page, first render (page cache off);
- 304: a repeated request carrying the page's ETag;
- checkout: a JSON cart of two products with a new idempotency key each time.
"""

from __future__ import annotations

import statistics
import time
import uuid

from .data import BenchData
from .report import Row
from .workspace import create_app, environ

REQUESTS = 500
WARM_UP = 20
GZIP = {"Accept-Encoding": "gzip, br"}


def run(data: BenchData, quick: bool = False) -> tuple[dict, list[Row]]:
    count = 40 if quick else REQUESTS
    size = 200 if 200 in data.shops else max(data.shops)
    shop = data.shops[size]
    results = {"size": size, "requests": count}
    with environ(data.workspace.settings() | {"PAGE_CACHE": "off"}):
        cold = create_app(data.workspace, PAGE_CACHE="off")
        results["shop_first_render"] = _per_request(
            cold, count, lambda c: c.get(shop.path, headers=GZIP)
        )
        results["product_first_render"] = _per_request(
            cold, count, lambda c: c.get(shop.product_path, headers=GZIP)
        )
        results["checkout"] = _checkout(cold, shop, count)
    with environ(data.workspace.settings() | {"PAGE_CACHE": "local"}):
        warm = create_app(data.workspace, PAGE_CACHE="local")
        results["shop_repeated"] = _per_request(
            warm, count, lambda c: c.get(shop.path, headers=GZIP)
        )
        etag = warm.test_client().get(shop.path, headers=GZIP).headers["ETag"]
        results["not_modified"] = _per_request(
            warm, count, lambda c: c.get(shop.path, headers=GZIP | {"If-None-Match": etag})
        )
    return results, rows(results)


def _per_request(app, count: int, send) -> dict:
    client = app.test_client()
    for _ in range(WARM_UP):
        send(client)
    times = []
    statuses = set()
    for _ in range(count):
        began = time.thread_time()
        response = send(client)
        response.close()
        times.append(time.thread_time() - began)
        statuses.add(response.status_code)
    return {
        "median_us": round(statistics.median(times) * 1e6),
        "mean_us": round(statistics.fmean(times) * 1e6),
        "status": sorted(statuses),
    }


def _checkout(app, shop, count: int) -> dict:
    from shop.extensions import db
    from shop.models import Item, ShippingMethod

    with app.app_context():
        items = db.session.scalars(
            db.select(Item.id)
            .where(Item.shop_id == shop.id, Item.availability == "available")
            .order_by(Item.id)
            .limit(2)
        ).all()
        pickup = db.session.scalar(
            db.select(ShippingMethod.id).where(
                ShippingMethod.shop_id == shop.id, ShippingMethod.needs_address.is_(False)
            )
        )
    lines = [{"item_id": item, "quantity": 1, "choices": []} for item in items]
    sent = iter(range(10**9))

    def send(client):
        # Each from an address of its own, as shoppers are: the rate limits still run.
        n = next(sent)
        cart = {
            "lines": lines,
            "shipping_method_id": pickup,
            "name": "Ana",
            "idempotency_key": uuid.uuid4().hex,
        }
        return client.post(
            f"{shop.path}/checkout",
            json=cart,
            headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
            environ_base={"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"},
        )

    return _per_request(app, count, send)


LABELS = (
    ("shop_first_render", "Shop page, first render"),
    ("shop_repeated", "Shop page, repeated"),
    ("product_first_render", "Product page, first render"),
    ("not_modified", "304 revalidation"),
    ("checkout", "Checkout, 2 products"),
)


def rows(results: dict) -> list[Row]:
    out = []
    for key, label in LABELS:
        figure = results[key]
        ok = figure["status"] in ([200], [304])
        text = f"{figure['median_us']:,} µs (mean {figure['mean_us']:,})"
        if not ok:
            text += f" (HTTP {figure['status']})"
        out.append(Row("CPU per request", f"{label}, {results['size']:,} products", text, "-", ok))
    return out
