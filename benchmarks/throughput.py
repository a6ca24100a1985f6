"""Shop page throughput under gunicorn (2 sync workers) against Flask's hello world.

Each figure is a `wrk` run at concurrency 32 (see `wrk`), sending the headers a
phone sends (Accept-Encoding: gzip, br). The three servers (hello world, the app,
the app rendering in full) run side by side, idle but for the one under load.
Hello world is measured before the first scenario and after every one, and each
scenario's req/s is given as a share of the mean of the hello-world runs on either
side of it, so load from elsewhere on the machine hits both alike.

- First full render: the app with its page cache switched off (PAGE_CACHE=off), so
  every request renders the page as the first one after a merchant's change does.
  Checked before the run: two requests in a row for the same page must send as
  many SQL statements as each other (a kept page costs fewer).
- Repeated request: the same URL again and again, with whatever caching the app does.
- 304: the same URL with If-None-Match set to the page's ETag.
- A worker's first sight: every request as a new worker's first (benchmarks/new_worker.py
  empties every cache before it), page cache off.
- Product page and search, not cached: on the page-cache-off server, so each request
  renders the product's (or the search's) own blocks into the shop's kept layout
  frame, as the first view of a product after an edit does; searches are never cached.
"""

from __future__ import annotations

from contextlib import ExitStack

from . import wrk
from .data import BenchData
from .report import Row, at_least, at_most, failed, ms
from .servers import Server, gunicorn
from .sql import count_statements
from .workspace import create_app, environ

APP = "shop:create_app()"
HELLO_APP = "benchmarks.hello:app"
NEW_WORKER_APP = "benchmarks.new_worker:app"
# The app's own switch for its page cache (shop/storefront/fast/page_cache.py).
COLD_SETTINGS = {"PAGE_CACHE": "off"}
FIRST_RENDER_SHARE, REPEATED_SHARE, REVALIDATION_SHARE = 0.15, 0.80, 0.90
FIRST_SIGHT_SHARE = 0.12
PRODUCT_SHARE, SEARCH_SHARE, BIG_SEARCH_SHARE = 0.20, 0.15, 0.10
SEARCH = "?q=producto+1"  # a word many products share, as in benchmarks/cpu.py
FIRST_RENDER_P99_US = 250_000
NAME = "Throughput"


def run(data: BenchData, quick: bool = False, rounds: int = 1) -> tuple[dict, list[Row]]:
    """Each scenario once per round; with several rounds, each row shows the round
    with the median ratio (a busy machine makes single runs noisy)."""
    wrk.wrk_path()  # fails early, with how to install it
    seconds, warm = (2, 1) if quick else (10, 2)
    ws = data.workspace
    small, large = data.shops[_size(data, 200)], data.shops[max(data.shops)]
    results: dict = {
        "seconds": seconds,
        "connections": wrk.CONNECTIONS,
        "threads": wrk.THREADS,
        "rounds": rounds,
    }
    results["cold_check"] = cold_check(data, small.path)
    warmed: set = set()

    def load(server: Server, path: str, headers=None, expect=200) -> dict:
        reply = server.get(path, headers={**wrk.PHONE_HEADERS, **(headers or {})})
        if reply.status != expect:
            return {
                "error": f"answered {reply.status}, expected {expect}",
                "headers": reply.headers,
            }
        if (server.port, path) not in warmed:  # both workers render once before counting
            wrk.run(server.base + path, warm, ws.root, headers)
            server.drain()
            warmed.add((server.port, path))
        result = wrk.run(server.base + path, seconds, ws.root, headers).as_dict()
        server.drain()
        return result

    with ExitStack() as stack:
        hello = stack.enter_context(gunicorn(HELLO_APP, ws.env(), ws.root, "hello"))
        cold = stack.enter_context(gunicorn(APP, ws.env(**COLD_SETTINGS), ws.root, "cold"))
        app = stack.enter_context(gunicorn(APP, ws.env(), ws.root, "app"))
        new = stack.enter_context(
            gunicorn(NEW_WORKER_APP, ws.env(**COLD_SETTINGS), ws.root, "new-worker")
        )
        scenarios = [
            ("first_render", small.size, cold, small.path, 200),
            ("first_render", large.size, cold, large.path, 200),
            ("first_sight", small.size, new, small.path, 200),
            ("first_sight", large.size, new, large.path, 200),
            ("repeated", small.size, app, small.path, 200),
            ("not_modified", small.size, app, small.path, 304),
            ("product", small.size, cold, small.product_path, 200),
            ("search", small.size, cold, small.path + SEARCH, 200),
            ("search", large.size, cold, large.path + SEARCH, 200),
        ]
        # Hello world before and after every scenario: each ratio uses the two around it.
        results["hello"] = [load(hello, "/")]
        every: dict = {}
        for _ in range(rounds):
            for key, size, server, path, expect in scenarios:
                headers = None
                if expect == 304:  # the ETag of the page as the phone got it just now
                    etag = server.get(path, headers=wrk.PHONE_HEADERS).headers.get("etag")
                    results["etag"] = etag
                    headers = {"If-None-Match": etag or '"none"'}
                result = load(server, path, headers, expect)
                results["hello"].append(load(hello, "/"))
                around = [h.get("rps") for h in results["hello"][-2:] if h.get("rps")]
                result["hello_rps"] = sum(around) / len(around) if around else None
                every.setdefault((key, size), []).append(result)
    for (key, size), runs in every.items():
        results.setdefault(key, {})[size] = _median_run(runs)
        results.setdefault("all_rounds", {}).setdefault(key, {})[size] = runs
    return results, rows(results, small.size, large.size)


def _median_run(runs: list[dict]) -> dict:
    """The run with the median share of hello world (an error if every run failed)."""
    measured = [r for r in runs if r.get("rps") is not None and r.get("hello_rps")]
    if not measured:
        return runs[-1]
    measured.sort(key=lambda r: r["rps"] / r["hello_rps"])
    return measured[(len(measured) - 1) // 2]


def cold_check(data: BenchData, path: str) -> dict:
    """Show that the "first render" settings make every request a full render: the
    second request for the same page sends as many SQL statements as the first."""
    # The app may read its settings at first use, so they stay set while it serves.
    with environ({**data.workspace.settings(), **COLD_SETTINGS}):
        app = create_app(data.workspace, **COLD_SETTINGS)
        (_, first, _), (_, second, _) = count_statements(app, [path, path])
    return {"first": first, "second": second, "cold": second >= first}


def _rate(rps: float) -> str:
    return f"{rps:,.0f}" if rps >= 100 else f"{rps:.1f}"


def _size(data: BenchData, wanted: int) -> int:
    return min(data.shops, key=lambda size: abs(size - wanted))


def rows(results: dict, small: int, large: int) -> list[Row]:
    hello = [h["rps"] for h in results["hello"] if h.get("rps")]
    figure = (
        f"{min(hello):,.0f} to {max(hello):,.0f} req/s ({len(hello)} runs)"
        if hello
        else "not measured"
    )
    out = [Row(NAME, "Hello world, around each run below", figure, "baseline")]
    scenarios = (
        ("first_render", small, f"First full render, {small:,} products", FIRST_RENDER_SHARE),
        ("first_render", large, f"First full render, {large:,} products", None),
        ("first_sight", small, f"A worker's first sight, {small:,} products", FIRST_SIGHT_SHARE),
        ("first_sight", large, f"A worker's first sight, {large:,} products", None),
        ("repeated", small, f"Repeated request, {small:,} products", REPEATED_SHARE),
        ("not_modified", small, f"304 revalidation, {small:,} products", REVALIDATION_SHARE),
        ("product", small, f"Product page, not cached, {small:,} products", PRODUCT_SHARE),
        ("search", small, f"Search, {small:,} products", SEARCH_SHARE),
        ("search", large, f"Search, {large:,} products", BIG_SEARCH_SHARE),
    )
    for key, size, label, share in scenarios:
        target = f">= {share:.0%} of hello" if share else ""
        load = results.get(key, {}).get(size, {})
        if "error" in load or not load.get("hello_rps"):
            out.append(failed(NAME, label, load.get("error", "no hello-world baseline"), target))
            continue
        ratio = load["rps"] / load["hello_rps"]
        figure = (
            f"{_rate(load['rps'])} req/s = {ratio:.1%} of hello; "
            f"p50 {ms(load['p50_us'])}, p99 {ms(load['p99_us'])}"
        )
        ok = at_least(ratio, share) if share else None
        if load["errors"]:
            figure += f"; {load['errors']} errors"
            ok = False
        if key == "first_render" and not results["cold_check"]["cold"]:
            figure += "; NOT a full render (a cache answered)"
            ok = False
        out.append(Row(NAME, label, figure, target, ok))
        if key == "first_render" and size == small:
            out.append(
                Row(
                    NAME,
                    f"First full render, {small:,} products: p99 at concurrency 32",
                    ms(load["p99_us"]),
                    f"< {FIRST_RENDER_P99_US // 1000} ms",
                    at_most(load["p99_us"], FIRST_RENDER_P99_US - 1),
                )
            )
    return out
