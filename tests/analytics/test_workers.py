"""Issue 22: counting is exact across processes. A real gunicorn with three workers
takes beacons from many threads at once; the analytics numbers are exact after, with
the database's upserts (each worker's buffer, written in bulk) and with Redis (counted
there, then folded)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from shop.analytics import live
from tests.analytics.test_collection import PHONE_UA, counts, sources
from tests.analytics.test_live import REDIS_URL
from tests.conftest import REDIS_ADDRESS, TEST_SECRET, skip_without_service
from tests.production.servers import AppServer
from tests.storefront.shopper import build_shop

VISITORS = 24
VIEWS_EACH = 5  # under the beacon's rate limit per address


@pytest.fixture(params=["database", "redis"])
def mode(request):
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_URL).flushdb()
        except redis.RedisError:
            skip_without_service(f"Redis is not running on {REDIS_ADDRESS}")
        yield REDIS_URL
        redis.Redis.from_url(REDIS_URL).flushdb()
    else:
        yield None


@pytest.fixture
def app_config(mode):
    return {"ANALYTICS_REDIS_URL": mode}


@pytest.fixture
def server(app, mode, tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRUST_PROXY_HEADERS": "1",  # each thread its own visitor, by X-Forwarded-For
        "VITRINA_INSTANCE_PATH": str(tmp_path),
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite3"),
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    if mode:
        env["ANALYTICS_REDIS_URL"] = mode
    server = AppServer("three", env, tmp_path, workers=3)
    try:
        server.start()
        server.wait_ready()
        yield server
    finally:
        server.stop()


def visit(server, ids, n: int) -> list[int]:
    headers = {
        "User-Agent": PHONE_UA,
        "Sec-Fetch-Site": "same-origin",
        "Content-Type": "text/plain;charset=UTF-8",
        "X-Forwarded-For": f"198.51.100.{n + 1}",
    }
    url = f"{server.url}/s/tienda-sol/e"
    source = '"s":"instagram","c":"bio"' if n % 2 else '"r":""'
    statuses = []
    with requests.Session() as session:
        for _ in range(VIEWS_EACH):
            body = f'{{"k":"product_view","i":{ids.shirt},{source}}}'
            statuses.append(session.post(url, data=body, headers=headers, timeout=30).status_code)
        body = f'{{"k":"shop_view",{source}}}'
        statuses.append(session.post(url, data=body, headers=headers, timeout=30).status_code)
    return statuses


def test_three_workers_count_exactly(app, server, mode):
    ids = build_shop(app)
    with ThreadPoolExecutor(max_workers=12) as pool:
        rows = pool.map(lambda n: visit(server, ids, n), range(VISITORS))
        statuses = [status for row in rows for status in row]
    assert statuses == [204] * VISITORS * (VIEWS_EACH + 1), server.output()
    # Each worker writes its buffered events within a second, and what is left as it
    # exits: a graceful stop (a deploy's) loses nothing.
    server.stop()
    if mode:
        assert counts(app) == {}  # in Redis until folded
        with app.app_context():
            live.live_counts().fold()
    assert counts(app) == {
        ("visitor", 0): VISITORS,
        ("product_view", ids.shirt): VISITORS * VIEWS_EACH,
        ("shop_view", 0): VISITORS,
    }
    half = VISITORS // 2
    assert sources(app) == {
        ("instagram", "bio"): (half, half * (VIEWS_EACH + 1), 0, 0),
        ("direct", ""): (half, half * (VIEWS_EACH + 1), 0, 0),
    }
