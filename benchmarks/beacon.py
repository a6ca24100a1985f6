"""The analytics beacon under load: `wrk` POSTs events to the beacon endpoint of a shop
through gunicorn (the project's settings, as `throughput` runs it) and compares its
req/s with Flask's hello world measured around it. Target: at least half of hello.

Scenarios: the database's upserts (SQLite, or PostgreSQL with --database-url), and,
with --redis-url, counting in Redis (HINCRBY and PFADD; folded later by a job). Each
request comes from another address (X-Forwarded-For behind a trusted proxy), so every
event is a new visitor (the heaviest path) and the per-address rate limit, which is
on as in production, does not cut the load short.
"""

from __future__ import annotations

import json
from contextlib import ExitStack

from . import wrk
from .data import BenchData
from .report import Row, at_least, failed, ms
from .servers import Server, gunicorn

APP = "shop:create_app()"
HELLO_APP = "benchmarks.hello:app"
SHARE = 0.5
NAME = "Beacon"
EVENT = {"k": "shop_view", "s": "instagram", "c": "bio"}
HEADERS = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
    "Sec-Fetch-Site": "same-origin",
    "Content-Type": "text/plain;charset=UTF-8",
}
# A POST per request, each from its own address (65,025 before one comes back).
REQUEST_LUA = """
counter = 0
request = function()
  counter = counter + 1
  local a, b = counter % 255, math.floor(counter / 255) % 255
  wrk.headers["X-Forwarded-For"] = "10." .. a .. "." .. b .. ".7"
  return wrk.format("POST", nil, nil, {body})
end
"""


def run(data: BenchData, quick: bool = False) -> tuple[dict, list[Row]]:
    wrk.wrk_path()
    seconds = 2 if quick else 10
    ws = data.workspace
    shop = data.shops[min(data.shops)]
    url_path = f"{shop.path.rstrip('/')}/e"
    body = json.dumps(EVENT)
    lua = REQUEST_LUA.replace("{body}", wrk._lua(body))
    modes = {"database": {"ANALYTICS_REDIS_URL": "off"}}
    if ws.redis_url:
        modes["redis"] = {"ANALYTICS_REDIS_URL": ws.redis_url}
    results: dict = {"seconds": seconds, "path": url_path, "hello": []}

    def load(server: Server, path: str, extra: str = "", headers=None) -> dict:
        wrk.run(server.base + path, 1, ws.root, headers, extra)  # warm both workers
        server.drain()
        result = wrk.run(server.base + path, seconds, ws.root, headers, extra).as_dict()
        server.drain()
        return result

    with ExitStack() as stack:
        hello = stack.enter_context(gunicorn(HELLO_APP, ws.env(), ws.root, "hello-beacon"))
        results["hello"].append(load(hello, "/"))
        for mode, settings in modes.items():
            env = ws.env(TRUST_PROXY_HEADERS="1", **settings)
            server = stack.enter_context(gunicorn(APP, env, ws.root, f"beacon-{mode}"))
            probe = _probe(server, url_path, body)
            if probe != 204:
                results[mode] = {"error": f"the beacon answered {probe}, expected 204"}
                continue
            results[mode] = load(server, url_path, lua, HEADERS)
            results["hello"].append(load(hello, "/"))
            around = [h["rps"] for h in results["hello"][-2:] if h.get("rps")]
            results[mode]["hello_rps"] = sum(around) / len(around) if around else None
    return results, rows(results, list(modes))


def _probe(server: Server, path: str, body: str) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={**HEADERS, "X-Forwarded-For": "10.9.9.9"})
        return conn.getresponse().status
    finally:
        conn.close()


def rows(results: dict, modes: list[str]) -> list[Row]:
    hello = [h["rps"] for h in results["hello"] if h.get("rps")]
    out = [
        Row(NAME, "Hello world, around each run below",
            f"{min(hello):,.0f} to {max(hello):,.0f} req/s" if hello else "not measured",
            "baseline")
    ]  # fmt: skip
    labels = {"database": "Beacon, counted in the database", "redis": "Beacon, counted in Redis"}
    for mode in modes:
        load = results.get(mode, {})
        target = f">= {SHARE:.0%} of hello"
        if "error" in load or not load.get("hello_rps"):
            out.append(failed(NAME, labels[mode], load.get("error", "no baseline"), target))
            continue
        ratio = load["rps"] / load["hello_rps"]
        figure = (
            f"{load['rps']:,.0f} req/s = {ratio:.1%} of hello; "
            f"p50 {ms(load['p50_us'])}, p99 {ms(load['p99_us'])}"
        )
        ok = at_least(ratio, SHARE)
        if load["errors"]:
            figure += f"; {load['errors']} errors"
            ok = False
        out.append(Row(NAME, labels[mode], figure, target, ok))
    return out
