"""Issue 22, Redis mode: the beacon counts in Redis (HINCRBY, PFADD) and the periodic
fold MOVES the counters into the daily rows: folding twice, or after a crash at any
point of a fold, counts everything exactly once."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import redis
from sqlalchemy import select

from shop.analytics import live
from shop.extensions import db
from shop.jobs.running import start_periodic
from shop.models import DailyVisitor, Job
from tests.analytics.test_collection import counts, send, sources
from tests.conftest import REDIS_ADDRESS, redis_url, skip_without_service
from tests.storefront.shopper import build_shop, orders

# Emptied before and after each test: a database of the tests' Redis no one else uses.
REDIS_URL = redis_url(12)


@pytest.fixture
def app_config():
    return {"ANALYTICS_REDIS_URL": REDIS_URL}


@pytest.fixture
def store():
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        client.flushdb()
    except redis.RedisError:
        skip_without_service(f"Redis is not running on {REDIS_ADDRESS}")
    yield client
    client.flushdb()


@pytest.fixture
def ids(app, store):
    return build_shop(app)


def fold(app) -> int:
    with app.app_context():
        return live.live_counts().fold()


def shop_views_and_products(client, ids):
    for address in ("203.0.113.5", "203.0.113.5", "198.51.100.7"):
        send(client, {"k": "shop_view", "s": "instagram", "c": "bio"}, address=address)
        send(client, {"k": "product_view", "i": ids.shirt, "s": "instagram", "c": "bio"},
             address=address)  # fmt: skip
    send(client, {"k": "add", "i": ids.shirt})
    send(client, {"k": "add", "i": ids.other_item})  # another shop's: ignored


EXPECTED = {
    ("visitor", 0): 2,
    ("shop_view", 0): 3,
    ("product_view", "shirt"): 3,
    ("add", "shirt"): 1,
}


def expected(ids) -> dict:
    return {(k, ids.shirt if i == "shirt" else i): n for (k, i), n in EXPECTED.items()}


def test_events_count_in_redis_and_the_fold_moves_them_into_the_rows(app, client, ids, store):
    shop_views_and_products(client, ids)
    assert counts(app) == {}  # nothing in the database before the fold
    assert len(store.smembers(live.DIRTY)) == 1
    assert fold(app) == 1
    assert counts(app) == expected(ids)
    assert sources(app) == {("instagram", "bio"): (2, 6, 0, 0)}
    # The counters moved: no hash is left to fold, and folding again adds nothing.
    assert not store.keys(f"{live.PREFIX}counts:*")
    assert not store.keys(f"{live.PREFIX}fold:*")
    assert fold(app) == 0
    assert counts(app) == expected(ids)
    # Later events add to the same rows; the same visitor is still one visitor.
    send(client, {"k": "shop_view", "s": "instagram", "c": "bio"})
    fold(app)
    assert counts(app)[("shop_view", 0)] == 4
    assert counts(app)[("visitor", 0)] == 2


def test_a_fold_cut_between_rename_and_rows_is_resumed_once(app, client, ids, store):
    shop_views_and_products(client, ids)
    with app.app_context():
        counter = live.live_counts()
        member = next(iter(store.smembers(live.DIRTY)))
        # The crash: renamed to the fold key, then the worker died.
        counter._take(
            keys=[live._counts_key(member), live._fold_key(member), live.DIRTY, live.FOLDING],
            args=[member, uuid.uuid4().hex],
        )
    send(client, {"k": "shop_view"})  # an event after the rename starts a new hash
    assert counts(app) == {}
    assert fold(app) == 2  # the resumed fold key, then the new hash
    assert counts(app) == expected(ids) | {("shop_view", 0): 4}
    assert fold(app) == 0
    assert counts(app) == expected(ids) | {("shop_view", 0): 4}


def test_a_fold_cut_between_rows_and_delete_is_not_counted_twice(app, client, ids, store):
    shop_views_and_products(client, ids)
    with app.app_context():
        counter = live.live_counts()
        member = next(iter(store.smembers(live.DIRTY)))
        counter._take(
            keys=[live._counts_key(member), live._fold_key(member), live.DIRTY, live.FOLDING],
            args=[member, "f" * 32],
        )
        fold_key = live._fold_key(member)
        shop_id, day = member.split(":")
        counters = store.hgetall(fold_key)
        fold_id = counters.pop("_id")
        # The crash: the rows were added and committed, the fold key never deleted.
        assert live.add_rows(int(shop_id), date.fromisoformat(day), fold_id, counters)
    assert counts(app) == expected(ids)
    assert store.exists(fold_key)
    assert fold(app) == 0  # resumed: its marker says the rows have it
    assert counts(app) == expected(ids)
    assert not store.exists(fold_key)


def test_the_periodic_task_folds(app, client, ids, store):
    shop_views_and_products(client, ids)
    with app.app_context():
        start_periodic("analytics-fold")
        job = db.session.scalar(select(Job).where(Job.kind == "analytics-fold"))
        assert job.result == {"folded": 1}
    assert counts(app) == expected(ids)


def test_an_order_is_attributed_once_and_the_markers_go_with_the_day(app, client, ids, store):
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 2}],
        "shipping_method_id": ids.pickup,
        "name": "Ana 🛍️",
        "idempotency_key": uuid.uuid4().hex,
    }
    assert client.post("/s/tienda-sol/checkout", json=body).status_code == 200
    order = orders(app, ids.shop)[-1]
    for _ in range(3):
        send(client, {"k": "order", "o": order.token, "s": "ig", "c": "story 🌞"})
    fold(app)
    assert sources(app) == {("instagram", "story 🌞"): (1, 0, 1, order.total_minor)}
    # No visitor hash is written to the database in Redis mode; only the fold's marker.
    with app.app_context():
        digests = db.session.scalars(select(DailyVisitor.digest)).all()
        assert len(digests) == 1
        assert digests[0].startswith("fold:")
    # The day's HyperLogLog and campaigns expire with the day (two days at most).
    for key in store.keys(f"{live.PREFIX}{ids.shop}:*"):
        assert 0 < store.ttl(key) <= live.KEEP_SECONDS


def test_campaigns_are_capped_in_redis_too(app, client, ids, store):
    for n in range(40):
        send(client, {"k": "shop_view", "c": f"spam {n}"})
    fold(app)
    assert len(sources(app)) == 31  # 30 campaigns, and the rest counted without one


@pytest.mark.parametrize("app_config", [{"ANALYTICS_REDIS_URL": "redis://127.0.0.1:9/0"}])
def test_without_an_answer_from_redis_events_count_in_the_database(app, client, ids):
    shop_views_and_products(client, ids)
    assert counts(app) == expected(ids)
