"""Privacy for customers: what forgetting wipes, the daily task that forgets customers
who stopped ordering (only where the shop chose it), the public page that says so in
the shopper's language, and the merchant's settings form."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Customer, Order, Shop
from shop.ordering.customer_privacy import forget_idle_customers, personal_columns
from tests import factories

NOW = datetime(2030, 6, 1, 12, 0)


def test_every_column_that_names_or_places_the_shopper_is_wiped():
    names = {column.name for column in personal_columns()}
    assert {
        "customer_name",
        "customer_phone",
        "customer_address",
        "customer_notes",
        "customer_key",
    } <= names
    # The delivery point a shopper shared for a zone (issue 25) goes with them too.
    assert {"customer_lat", "customer_lng"} <= names
    assert not names & {"customer_id", "shipping_needs_address", "total_minor", "shipping_name"}
    for column in Order.__table__.columns:
        if any(word in column.name for word in ("customer_", "location", "latitude")):
            assert column.name in names | {"customer_id"}, column.name


def _shop_with_customers(app, months):
    with app.app_context():
        shop = factories.make_shop(factories.make_user())
        shop.forget_customers_after_months = months
        old = factories.make_order(
            shop, customer_name="Zoë 🌻", customer_phone="+34699111222",
            created_at=NOW - timedelta(days=200), customer_lat=40.4168, customer_lng=-3.7038,
        )  # fmt: skip
        recent = factories.make_order(
            shop, customer_name="Luis", created_at=NOW - timedelta(days=20)
        )
        db.session.commit()
        return shop.id, old.id, recent.id


def test_the_daily_task_forgets_customers_idle_for_the_shops_months(app):
    shop_id, old_id, recent_id = _shop_with_customers(app, months=6)
    untouched = _shop_with_customers(app, months=None)
    with app.app_context():
        total = db.session.get(Order, old_id).total_minor
        assert forget_idle_customers(None, now=NOW) == {"forgotten": 1}
        old = db.session.get(Order, old_id)
        assert (old.customer_name, old.customer_phone, old.customer_id) == ("", "", None)
        assert (old.customer_lat, old.customer_lng) == (None, None)
        assert old.total_minor == total
        assert len(old.lines) == 2
        assert db.session.get(Order, recent_id).customer_name == "Luis"
        names = db.session.scalars(select(Customer.name).where(Customer.shop_id == shop_id))
        assert list(names) == ["Luis"]
        # A shop that did not choose it keeps everyone, however old.
        assert db.session.get(Order, untouched[1]).customer_name == "Zoë 🌻"
        # Running again (a retried task) forgets nobody else.
        assert forget_idle_customers(None, now=NOW) == {"forgotten": 0}


def test_the_task_is_registered_to_run_daily():
    from shop.jobs.kinds import PERIODIC

    assert PERIODIC["customers-forget"].every == timedelta(days=1)


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _slug(app, shop_id):
    with app.app_context():
        return db.session.get(Shop, shop_id).slug


def test_the_privacy_page_says_what_is_kept_and_for_how_long(app, client, shop_id):
    slug = _slug(app, shop_id)
    page = client.get(f"/s/{slug}/privacy?lang=es").text
    assert "hasta que pidas" in page  # kept until the shopper asks (Spanish default)
    first_etag = client.get(f"/s/{slug}/privacy").headers["ETag"]
    answer = client.post(
        "/dashboard/customers/privacy",
        data={"forget_after": "y", "months": "18", "privacy_text": ""},
    )
    assert answer.status_code == 303
    page = client.get(f"/s/{slug}/privacy?lang=en").text
    assert "18 months after your last order" in page
    assert client.get(f"/s/{slug}/privacy").headers["ETag"] != first_etag  # not a stale copy
    own = "Guardamos tu pedido 1 año. 🌻 <b>no</b>"
    client.post("/dashboard/customers/privacy", data={"privacy_text": own})
    page = client.get(f"/s/{slug}/privacy").text
    assert "Guardamos tu pedido 1 año. 🌻 &lt;b&gt;no&lt;/b&gt;" in page
    with app.app_context():
        assert db.session.get(Shop, shop_id).forget_customers_after_months is None  # unticked


@pytest.mark.parametrize("months", ["", "0", "abc", "121", "1e3", "99999999999999999999"])
def test_a_malformed_number_of_months_is_refused(app, client, shop_id, months):
    answer = client.post(
        "/dashboard/customers/privacy", data={"forget_after": "y", "months": months}
    )
    assert answer.status_code == 422
    assert "from 1 to 120" in answer.text
    with app.app_context():
        assert db.session.get(Shop, shop_id).forget_customers_after_months is None


def test_the_settings_page_shows_the_default_text(client, shop_id):
    page = client.get("/dashboard/customers/privacy").text
    assert re.search(r"data-default-text>[^<]*until you ask the shop", page)


def test_the_checkout_links_the_privacy_page(app, client, shop_id):
    slug = _slug(app, shop_id)
    assert f'href="/s/{slug}/privacy" data-privacy-link' in client.get(f"/s/{slug}/cart").text
