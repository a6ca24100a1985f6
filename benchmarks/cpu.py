"""CPU time per request, measured in process: what each request costs the worker.

Throughput figures depend on the load generator and the other core; CPU time spent
by the thread that serves a request does not, so it shows small changes (a refactor,
a trimmed hook) that wrk's run-to-run spread would hide. Each request goes through the
whole WSGI app (fast path, Flask, hooks, compression) with the Flask test client;
`time.thread_time` around it counts this thread's CPU only, with the database's work
on SQLite included (it runs in the same thread) and PostgreSQL's excluded.

Cases, for the 200-product shop (and the first ones for 1,000 products too):
- shop page, cold: as a new worker sees it (after a deploy, a restart, or with many
  shops): every in-memory cache of the app emptied before each request;
- shop page after an item edit: one product's price changed before each request (not
  timed), the case merchants cause all day;
- shop page after a settings edit: the shop's description changed before each request;
- shop page, nothing changed: the page cache off (PAGE_CACHE=off), so every request
  renders, reusing what is remembered by its contents (cards, the frame);
- search, uncached: `?q=` with a word several products have;
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
        for case_size in sorted({size, max(data.shops)}):
            case = data.shops[case_size]
            results.setdefault("shop_cold", {})[case_size] = _per_request(
                cold,
                count,
                lambda c, p=case.path: c.get(p, headers=GZIP),
                before=lambda: forget_all(cold),
            )
            results.setdefault("shop_after_item_edit", {})[case_size] = _per_request(
                cold,
                count,
                lambda c, p=case.path: c.get(p, headers=GZIP),
                before=_edits(cold, case, "item"),
            )
        results["shop_after_settings_edit"] = _per_request(
            cold,
            count,
            lambda c: c.get(shop.path, headers=GZIP),
            before=_edits(cold, shop, "settings"),
        )
        results["shop_first_render"] = _per_request(
            cold, count, lambda c: c.get(shop.path, headers=GZIP)
        )
        results["search"] = _per_request(
            cold, count, lambda c: c.get(shop.path + "?q=producto+1", headers=GZIP)
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


def _per_request(app, count: int, send, before=None) -> dict:
    """CPU of `send(client)`, `count` times after a warm-up; `before()` (not timed) runs
    before each, to empty caches or change the catalog."""
    client = app.test_client()
    for _ in range(WARM_UP):
        if before:
            before()
        send(client)
    times = []
    statuses = set()
    for _ in range(count):
        if before:
            before()
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


def forget_all(app) -> None:
    """Put the app back as a new worker has it: every cache of any kind emptied (the
    functools caches of every `shop` module, the per-app stores of frames, pages, URL
    patterns and static files' digests, compiled statements and templates, loaded
    translations and locale data, SQLAlchemy's compiled cache), then what gunicorn's
    master makes before it forks every worker (`warm_up`, gunicorn.conf.py) put back.
    Nothing a shop, a catalog or a request shaped survives.

    `warm_up` takes about a second (compiling the storefront's templates), so it runs
    once and what it made is kept aside and put back each time: the same objects a
    forked worker inherits. The app version (`code_version`) and the previews' font
    (`_font_file`) are among them."""
    import babel.localedata
    from flask_babel import get_domain

    from shop.extensions import db
    from shop.storefront.fast import warm_up
    from shop.storefront.fast.plain_sql import PlainSelect

    for cache in _shop_caches():
        if cache.__name__ not in MADE_AT_START:
            cache.cache_clear()
    for key in [key for key in app.extensions if key in PER_APP_CACHES]:
        app.extensions.pop(key)
    app.extensions["vitrina.assets"]._known.clear()
    app.extensions["vitrina.assets"].urls.clear()
    PlainSelect.forget()
    app.jinja_env.cache.clear()
    babel.localedata._cache.clear()
    babel.localedata._dict_cache.clear()
    with app.app_context():
        domain = get_domain()
        domain.cache.clear()
        db.engine._compiled_cache.clear()
        started = _STARTED.get(id(app))
        if started is None:
            warm_up(app)
            _STARTED[id(app)] = {
                "templates": dict(app.jinja_env.cache.items()),
                "statements": {plain: dict(plain._compiled) for plain in PlainSelect.made},
                "translations": dict(domain.cache),
                "locale_data": dict(babel.localedata._cache),
                "static_files": dict(app.extensions["vitrina.assets"]._known),
                "static_urls": dict(app.extensions["vitrina.assets"].urls),
            }
            return
        for key, template in started["templates"].items():
            app.jinja_env.cache[key] = template
        for plain, compiled in started["statements"].items():
            plain._compiled.update(compiled)
        domain.cache.update(started["translations"])
        babel.localedata._cache.update(started["locale_data"])
        app.extensions["vitrina.assets"]._known.update(started["static_files"])
        app.extensions["vitrina.assets"].urls.update(started["static_urls"])


# What warm_up makes that lives in a functools cache: kept, as the master made it.
MADE_AT_START = frozenset({"code_version", "_font_file"})
# Per-app stores made on first use: the page cache, frames, URL patterns. (The cart
# script's words, "vitrina.cart_messages", are written by warm_up: kept, as forked.)
PER_APP_CACHES = frozenset(
    {"vitrina.page_cache", "vitrina.frames", "vitrina.url_patterns", "vitrina.media_patterns"}
)
_STARTED: dict[int, dict] = {}


def _shop_caches() -> list:
    """The functools caches of the app's code (found once: modules do not make more)."""
    global _CACHES
    if _CACHES is None:
        import functools
        import gc

        _CACHES = [
            thing
            for thing in gc.get_objects()
            if isinstance(thing, functools._lru_cache_wrapper)
            and (getattr(thing, "__module__", "") or "").startswith("shop")
            # Not a sqlite3 connection's own statement cache (an lru_cache around the
            # connection, named after its class: shop.lib.write_turn's).
            and hasattr(thing, "__name__")
        ]
    return _CACHES


_CACHES = None


def _edits(app, shop, what: str):
    """A function changing, each time it is called, one price or the description."""
    from shop.extensions import db
    from shop.models import Item, Shop

    with app.app_context():
        item_id = db.session.scalar(
            db.select(Item.id).where(Item.shop_id == shop.id).order_by(Item.id).limit(1)
        )
    turn = iter(range(10**9))

    def edit() -> None:
        n = next(turn)
        with app.app_context():
            if what == "item":
                db.session.get(Item, item_id).price_minor = 1000 + n % 500
            else:
                db.session.get(Shop, shop.id).description = f"Abierto todos los días ({n})"
            db.session.commit()

    return edit


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
    ("shop_after_settings_edit", "Shop page, after a settings edit"),
    ("shop_first_render", "Shop page, nothing changed (page cache off)"),
    ("search", "Search, uncached"),
    ("shop_repeated", "Shop page, repeated"),
    ("product_first_render", "Product page, first render"),
    ("not_modified", "304 revalidation"),
    ("checkout", "Checkout, 2 products"),
)


# The goals of "Fast when it counts": CPU per request, in microseconds.
TARGETS_US = {"shop_cold": 5000, "shop_after_item_edit": 2000}


def rows(results: dict) -> list[Row]:
    out = []
    for key, label in (("shop_cold", "Shop page, cold (a new worker)"),
                       ("shop_after_item_edit", "Shop page, after an item edit")):  # fmt: skip
        for size, figure in sorted(results[key].items()):
            ok = figure["status"] == [200] and figure["median_us"] <= TARGETS_US[key]
            out.append(
                Row(
                    "CPU per request",
                    f"{label}, {size:,} products",
                    f"{figure['median_us']:,} µs (mean {figure['mean_us']:,})",
                    f"≤ {TARGETS_US[key]:,} µs",
                    ok,
                )
            )
    for key, label in LABELS:
        figure = results[key]
        ok = figure["status"] in ([200], [304])
        text = f"{figure['median_us']:,} µs (mean {figure['mean_us']:,})"
        if not ok:
            text += f" (HTTP {figure['status']})"
        out.append(Row("CPU per request", f"{label}, {results['size']:,} products", text, "-", ok))
    return out
