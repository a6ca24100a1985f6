"""Issue 22, collection: the beacon counts what shoppers did, per day, without cookies,
without an address kept, and without rows growing per event."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from shop.analytics.events import ITEM_KINDS
from shop.analytics.pruning import forget_past_days
from shop.analytics.visitors import salt_for, visitor_digest
from shop.extensions import db
from shop.models import DailyCount, DailySalt, DailySource, DailyVisitor
from shop.models.analytics import NO_ITEM
from tests.storefront.shopper import build_shop, orders

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)
ANA = "203.0.113.5"
URL = "/s/tienda-sol/e"


@pytest.fixture
def ids(app):
    return build_shop(app)


def send(client, event, *, ua=PHONE_UA, address=ANA, **headers):
    return client.post(
        URL,
        data=json.dumps(event) if isinstance(event, dict) else event,
        content_type="text/plain;charset=UTF-8",
        headers={"User-Agent": ua, "Sec-Fetch-Site": "same-origin", **headers},
        environ_base={"REMOTE_ADDR": address},
    )


def counts(app) -> dict:
    """(kind, item) -> count of the rows events moved, after checking that each kind's
    day total (item 0) is the sum of its products' rows, which it leaves out."""
    with app.app_context():
        rows = db.session.execute(
            select(DailyCount.shop_id, DailyCount.day, DailyCount.kind, DailyCount.item_id,
                   DailyCount.count)
        ).all()  # fmt: skip
    summed: Counter = Counter()
    for shop_id, day, kind, item, count in rows:
        if item != NO_ITEM:
            summed[(shop_id, day, kind)] += count
    totals = {
        (shop_id, day, kind): count
        for shop_id, day, kind, item, count in rows
        if item == NO_ITEM and kind in ITEM_KINDS
    }
    assert totals == dict(summed)
    return {
        (kind, item): count
        for _shop, _day, kind, item, count in rows
        if item != NO_ITEM or kind not in ITEM_KINDS
    }


def sources(app) -> dict:
    with app.app_context():
        rows = db.session.scalars(select(DailySource)).all()
        return {
            (r.source, r.campaign): (r.visitors, r.views, r.orders, r.revenue_minor) for r in rows
        }


def test_the_same_visitor_twice_in_a_day_is_one_visitor(app, client, ids):
    for _ in range(2):
        assert send(client, {"k": "shop_view", "s": "instagram", "c": "bio"}).status_code == 204
        send(client, {"k": "product_view", "i": ids.shirt, "s": "instagram", "c": "bio"})
    send(client, {"k": "shop_view"}, address="198.51.100.7")  # somebody else, direct
    assert counts(app) == {
        ("visitor", 0): 2,
        ("shop_view", 0): 3,
        ("product_view", ids.shirt): 2,
    }
    assert sources(app) == {("instagram", "bio"): (1, 4, 0, 0), ("direct", ""): (1, 1, 0, 0)}


def test_the_next_day_cannot_be_linked_to_the_day_before(app):
    with app.app_context():
        monday = salt_for(date(2026, 12, 7))
        same_day = visitor_digest(monday, ANA, PHONE_UA, 1)
        assert visitor_digest(salt_for(date(2026, 12, 7)), ANA, PHONE_UA, 1) == same_day
        tuesday = salt_for(date(2026, 12, 8))
        assert tuesday != monday
        assert visitor_digest(tuesday, ANA, PHONE_UA, 1) != same_day
        # Once Monday is over everywhere its salt goes: nobody can make its hash again.
        forget_past_days(date(2026, 12, 8))
        assert db.session.scalars(select(DailySalt.day)).all() == [date(2026, 12, 8)]
        assert ANA not in same_day
        assert len(same_day) == 32


def test_a_new_day_starts_new_visitors_and_forgets_yesterdays_hashes(app, client, ids):
    # Tienda Sol has a Spanish number: its days are Madrid's (UTC+1 in December).
    app.config["CLOCK"] = lambda: datetime(2026, 12, 7, 22, 59, tzinfo=UTC)
    send(client, {"k": "shop_view"})
    app.config["CLOCK"] = lambda: datetime(2026, 12, 7, 23, 1, tzinfo=UTC)
    send(client, {"k": "shop_view"})
    with app.app_context():
        visitors = db.session.execute(
            select(DailyCount.day, DailyCount.count).where(DailyCount.kind == "visitor")
        ).all()
        assert sorted(visitors) == [(date(2026, 12, 7), 1), (date(2026, 12, 8), 1)]
        assert forget_past_days(date(2026, 12, 8)) == 1
        db.session.commit()
        assert db.session.scalars(select(DailyVisitor.day)).all() == [date(2026, 12, 8)]


@pytest.mark.parametrize(
    "ua",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0 Safari/537.36",
        "facebookexternalhit/1.1",
        "WhatsApp/2.23.20.0",
        "curl/8.5.0",
    ],
)
def test_bots_and_headless_browsers_are_not_counted(app, client, ids, ua):
    assert send(client, {"k": "shop_view"}, ua=ua).status_code == 204
    assert counts(app) == {}


@pytest.mark.parametrize("header", ["DNT", "Sec-GPC"])
def test_do_not_track_and_global_privacy_control_are_respected(app, client, ids, header):
    assert send(client, {"k": "shop_view"}, **{header: "1"}).status_code == 204
    assert counts(app) == {}


def test_forged_events_for_another_shops_product_are_ignored(app, client, ids):
    for item in (ids.other_item, ids.hidden, 2**31, -1, "7", True, None):
        assert send(client, {"k": "product_view", "i": item}).status_code == 204
        send(client, {"k": "add", "i": item})
    assert counts(app) == {}


@pytest.mark.parametrize(
    "body",
    ["", "null", "[1]", "{", "[" * 1500, json.dumps({"k": "delete"}),
     json.dumps({"k": "shop_view", "c": "x" * 201}), json.dumps({"k": "shop_view", "r": 5})],
)  # fmt: skip
def test_malformed_events_are_ignored(app, client, ids, body):
    assert send(client, body).status_code == 204
    assert counts(app) == {}


def test_a_huge_body_is_refused_before_it_is_read(app, client, ids):
    assert send(client, "x" * 5000).status_code == 413


def test_another_sites_page_cannot_send_events(app, client, ids):
    response = send(client, {"k": "shop_view"}, **{"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 204
    send(client, {"k": "shop_view"}, Origin="https://evil.example")
    assert counts(app) == {}


@pytest.mark.parametrize(
    "app_config",
    # Per day: a sliding minute lets a few more through when the burst spans two minutes.
    [
        {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_BEACON": "60/day",
        }
    ],
)
def test_a_burst_is_limited_and_stores_one_row_per_shop_day_item_and_kind(app, client, ids):
    statuses = [
        send(client, {"k": "product_view", "i": ids.shirt, "c": f"spam {n}"}).status_code
        for n in range(10_000)
    ]
    assert statuses.count(204) == 60
    assert set(statuses) == {204, 429}
    assert counts(app) == {("visitor", 0): 1, ("product_view", ids.shirt): 60}
    with app.app_context():
        # Campaigns beyond the day's 30 are counted without one.
        assert db.session.scalar(select(func.count()).select_from(DailySource)) == 31
        assert db.session.scalar(select(func.count()).select_from(DailyVisitor)) == 1
    # Another address is not held back by the flood.
    assert send(client, {"k": "shop_view"}, address="198.51.100.7").status_code == 204


def test_an_order_is_attributed_to_its_source_once(app, client, ids):
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 2}],
        "shipping_method_id": ids.pickup,
        "name": "Ana 🛍️",
        "idempotency_key": uuid.uuid4().hex,
    }
    assert client.post("/s/tienda-sol/checkout", json=body).status_code == 200
    order = orders(app, ids.shop)[-1]
    event = {"k": "order", "o": order.token, "s": "ig", "c": "story 🌞"}
    for _ in range(3):
        send(client, event)
    send(client, {"k": "order", "o": "x" * 43, "s": "ig"})  # no such order
    assert sources(app) == {("instagram", "story 🌞"): (1, 0, 1, order.total_minor)}


def test_the_beacon_sets_no_cookie_and_the_pages_carry_the_script(app, client, ids):
    response = send(client, {"k": "shop_view"})
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    page = client.get("/s/tienda-sol")
    assert "Set-Cookie" not in page.headers
    assert "Cookie" not in page.headers.get("Vary", "")
    assert 'data-beacon="/s/tienda-sol/e"' in page.get_data(as_text=True)
