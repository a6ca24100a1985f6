"""Issue 22, the analytics page: a period against the one before, the funnel, sellers,
sources and a CSV, for the merchant's own shop only, in at most six statements."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from shop.analytics.periods import Period, period_from
from shop.extensions import db
from shop.models import DailyCount, DailySource, Shop
from tests import factories
from tests.storefront.test_performance import counting

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
TODAY = NOON.date()
STATEMENTS = 6


@pytest.fixture
def figures(app, merchant):
    """Today and three days ago for the merchant's shop; a rival shop's figures besides."""
    app.config["CLOCK"] = lambda: NOON
    _user, shop_id = merchant
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        item = factories.make_item(shop, name="Camiseta 🌞")
        db.session.flush()
        for day, visitors, views in ((TODAY, 4, 10), (date(2026, 12, 2), 2, 3)):
            rows = [
                ("visitor", 0, visitors), ("shop_view", 0, views),
                ("product_view", item.id, views), ("add", item.id, 2), ("checkout", 0, 1),
                # The day totals every writer keeps beside the products' rows.
                ("product_view", 0, views), ("add", 0, 2),
            ]  # fmt: skip
            db.session.add_all(
                DailyCount(shop_id=shop_id, day=day, kind=kind, item_id=item_id, count=count)
                for kind, item_id, count in rows
            )
        # The week before: one visitor.
        db.session.add(
            DailyCount(shop_id=shop_id, day=date(2026, 11, 25), kind="visitor", item_id=0, count=1)
        )
        db.session.add(
            DailySource(shop_id=shop_id, day=TODAY, source="instagram", campaign="bio",
                        visitors=3, views=8, orders=1, revenue_minor=4000)
        )  # fmt: skip
        factories.make_order(shop, [("Camiseta 🌞", 2000, 2)], shipping=None,
                             created_at=NOON.replace(tzinfo=None), status="delivered")  # fmt: skip
        rival = factories.make_shop(factories.make_user("Rival"), slug="rival", name="Rival")
        db.session.flush()
        db.session.add(
            DailyCount(shop_id=rival.id, day=TODAY, kind="visitor", item_id=0, count=999)
        )
        factories.make_order(rival, [("Secreto", 99900, 1)], created_at=NOON.replace(tzinfo=None))
        db.session.commit()
    return shop_id


def test_the_page_shows_the_period_against_the_one_before(client, figures):
    page = client.get("/dashboard/analytics?period=7")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-figure="visitors">6 <span class="muted">(+500%)' in html
    assert 'data-figure="views">26 ' in html
    assert 'data-figure="orders">1 ' in html
    assert "€40.00" in html  # the order's value, in the shop's currency
    assert 'data-figure="conversion">16.7%' in html
    assert '<tr data-source="instagram"><th scope="row">Instagram</th><td>bio</td>' in html
    assert "Camiseta 🌞" in html
    assert "<svg" in html and "<table" in html  # noqa: PT018 - the chart and its numbers
    assert "Secreto" not in html
    assert "999" not in html


def test_the_funnel_goes_from_visitors_to_delivered(client, figures):
    html = client.get("/dashboard/analytics?period=30").get_data(as_text=True)
    for step, count in (("visitors", 7), ("adds", 4), ("checkouts", 2), ("delivered", 1)):
        assert f'<tr data-step="{step}"><th scope="row">' in html
        assert html.split(f'data-step="{step}"')[1].split('class="num">')[1].startswith(f"{count}<")


def test_today_only_counts_today(client, figures):
    html = client.get("/dashboard/analytics?period=today").get_data(as_text=True)
    assert 'data-figure="visitors">4 ' in html


def test_the_page_is_read_in_at_most_six_statements(app, client, figures):
    client.get("/dashboard/analytics?period=30")  # a warm app, as in use
    for period in ("today", "30", "custom&start=2025-12-06&end=2026-12-05"):
        with counting(app) as statements:
            assert client.get(f"/dashboard/analytics?period={period}").status_code == 200
        assert len(statements) <= STATEMENTS, [s[:70] for s in statements]


def test_the_csv_has_one_row_a_day(client, figures):
    response = client.get("/dashboard/analytics.csv?period=7")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["day", "visitors", "shop_views"]
    assert len(rows) == 8
    assert rows[-1][0] == "2026-12-05"
    assert rows[-1][1] == "4"
    assert rows[-1][7] == "40.00"


def test_the_page_speaks_spanish(client, figures):
    html = client.get("/dashboard/analytics", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    assert "Visitantes" in html
    assert "De dónde vinieron" in html


def test_signed_out_visitors_are_sent_to_sign_in(app, figures):
    response = app.test_client().get("/dashboard/analytics")
    assert response.status_code in (302, 303)


@pytest.mark.parametrize(
    ("choice", "start", "end", "expected"),
    [
        ("today", "", "", ("today", Period(TODAY, TODAY))),
        ("nonsense", "", "", ("7", Period(date(2026, 11, 29), TODAY))),
        ("custom", "2026-12-09", "2026-11-01", ("custom", Period(date(2026, 11, 1), TODAY))),
        ("custom", "1900-01-01", "2026-12-05", ("custom", Period(date(2025, 12, 5), TODAY))),
        ("custom", "🌞", "x" * 5000, ("7", Period(date(2026, 11, 29), TODAY))),
    ],
)
def test_periods_fall_back_and_are_bounded(choice, start, end, expected):
    assert period_from(choice, start, end, TODAY) == expected
    assert expected[1].days <= 366
