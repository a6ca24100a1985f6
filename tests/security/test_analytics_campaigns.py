"""Issue 22: campaign names and sources come from any link on the internet. Counted in
Redis and folded, or in the database, they arrive intact (whitespace folded), cannot
break the fold's field layout, and are shown on the analytics page as text."""

from __future__ import annotations

import json

import pytest
import redis
from markupsafe import escape
from sqlalchemy import select

from shop.analytics import live
from shop.analytics.sources import clean_campaign
from shop.extensions import db
from shop.models import DailySource, Shop
from tests.analytics.test_live import REDIS_URL
from tests.conftest import REDIS_ADDRESS, skip_without_service
from tests.security.hostile import PAYLOADS
from tests.security.html import executable_bits

PHONE_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
HOSTILE = [
    *[p for p in PAYLOADS if clean_campaign(p)][:28],
    "a\tb\nc\t\tsource\tviews",
    "lone \ud800 surrogate \x00",
]


@pytest.fixture(params=["database", "redis"])
def mode(request, app):
    if request.param == "redis":
        store = redis.Redis.from_url(REDIS_URL)
        try:
            store.flushdb()
        except redis.RedisError:
            skip_without_service(f"Redis is not running on {REDIS_ADDRESS}")
        app.config["ANALYTICS_REDIS_URL"] = REDIS_URL
        yield request.param
        store.flushdb()
    else:
        yield request.param


def test_hostile_campaigns_are_counted_intact_and_shown_as_text(app, client, merchant, mode):
    with app.app_context():
        slug = db.session.get(Shop, merchant[1]).slug
    for n, campaign in enumerate(HOSTILE):
        event = {"k": "shop_view", "s": campaign[:60], "c": campaign[:200]}
        response = client.post(
            f"/s/{slug}/e", data=json.dumps(event), content_type="text/plain",
            headers={"User-Agent": PHONE_UA, "Sec-Fetch-Site": "same-origin"},
            environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"},
        )  # fmt: skip
        assert response.status_code == 204
    if mode == "redis":
        with app.app_context():
            assert live.live_counts().fold() == 1
    with app.app_context():
        rows = db.session.execute(
            select(DailySource.source, DailySource.campaign, DailySource.visitors)
        ).all()
    assert sorted(c for _s, c, _v in rows) == sorted(clean_campaign(c) for c in HOSTILE)
    assert {s for s, _c, _v in rows} == {"other"}  # an unknown utm_source is "other"
    assert all(v == 1 for _s, _c, v in rows)
    page = client.get("/dashboard/analytics?period=today").get_data(as_text=True)
    assert executable_bits(page) == []
    for campaign in HOSTILE:
        assert str(escape(clean_campaign(campaign))) in page
