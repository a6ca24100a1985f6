"""Issue 22: a shop's days are its own. Events, orders and the page's periods fall on
the shop's local day (its time zone setting), across daylight-saving changes too."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shop.analytics.days import _offsets
from shop.analytics.periods import Period
from shop.analytics.report import build_report
from shop.extensions import db
from shop.models import DailyCount, Shop
from tests import factories
from tests.analytics.test_collection import send
from tests.storefront.shopper import build_shop

LIMA_EVENING = datetime(2026, 12, 6, 3, 30, tzinfo=UTC)  # 22:30 on 5 December in Lima


def make_orders(shop, *moments):
    for moment in moments:
        factories.make_order(shop, [("Chompa 🦙", 1000, 1)], shipping=None,
                             created_at=moment.replace(tzinfo=None))  # fmt: skip


def test_the_page_and_csv_use_the_shops_day(app, client, merchant):
    _user, shop_id = merchant
    app.config["CLOCK"] = lambda: LIMA_EVENING
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shop.time_zone = "America/Lima"
        make_orders(shop, LIMA_EVENING, datetime(2026, 12, 5, 4, 0, tzinfo=UTC))  # 4 Dec, 23:00
        db.session.commit()
    html = client.get("/dashboard/analytics?period=today").get_data(as_text=True)
    assert 'data-figure="orders">1 ' in html
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/analytics.csv").get_data(True))))
    by_day = {row[0]: row[6] for row in rows[1:]}
    assert rows[-1][0] == "2026-12-05"  # Lima's today, though it is 6 December in UTC
    assert by_day["2026-12-05"] == "1"
    assert by_day["2026-12-04"] == "1"


def test_orders_fall_on_the_right_day_across_a_daylight_saving_change(app, merchant):
    _user, shop_id = merchant
    madrid = ZoneInfo("Europe/Madrid")  # 25 October 2026, 01:00 UTC: +2 becomes +1
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        make_orders(
            shop,
            datetime(2026, 10, 24, 21, 30, tzinfo=UTC),  # 24 Oct, 23:30 (+2)
            datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 25 Oct, 00:30 (+2)
            datetime(2026, 10, 25, 22, 30, tzinfo=UTC),  # 25 Oct, 23:30 (+1)
            datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # 26 Oct, 00:30 (+1)
        )
        db.session.commit()
        report = build_report(shop_id, Period(date(2026, 10, 24), date(2026, 10, 26)), madrid)
        assert [(d.day.day, d.orders) for d in report.days] == [(24, 1), (25, 2), (26, 1)]


def test_offsets_are_found_to_the_minute():
    stretches = _offsets(ZoneInfo("Europe/Madrid"), datetime(2026, 10, 20), datetime(2026, 11, 1))
    assert stretches == [(datetime(2026, 10, 25, 1, 0), 120), (datetime(2026, 11, 1), 60)]
    assert _offsets(ZoneInfo("Asia/Kathmandu"), datetime(2026, 1, 1), datetime(2027, 1, 1)) == [
        (datetime(2027, 1, 1), 345)
    ]


def test_events_are_counted_on_the_shops_day(app, client):
    build_shop(app)
    with app.app_context():
        db.session.scalar(select(Shop).where(Shop.slug == "tienda-sol")).time_zone = "America/Lima"
        db.session.commit()
    app.config["CLOCK"] = lambda: LIMA_EVENING
    send(client, {"k": "shop_view"})
    with app.app_context():
        assert db.session.scalars(select(DailyCount.day).distinct()).all() == [date(2026, 12, 5)]


def test_a_days_hashes_are_kept_until_it_is_over_everywhere():
    from shop.analytics.pruning import earliest_current_day

    # At 11:59 UTC on 6 December it is still 5 December at UTC-12 (Baker Island).
    assert earliest_current_day(datetime(2026, 12, 6, 11, 59, tzinfo=UTC)) == date(2026, 12, 5)
    assert earliest_current_day(datetime(2026, 12, 6, 12, 0, tzinfo=UTC)) == date(2026, 12, 6)
