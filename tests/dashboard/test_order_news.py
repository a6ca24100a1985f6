"""New orders noticed on the open orders page: its conditional check answers 304 while
nothing moved and the page once anything did; the title counts new orders; orders still
new after the shop's time are highlighted; the merchant's settings for it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop.extensions import db
from shop.models import Order, Shop, utcnow
from tests import factories


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _order(app, shop_id, **fields) -> int:
    with app.app_context():
        order = factories.make_order(db.session.get(Shop, shop_id), **fields)
        db.session.commit()
        return order.id


def _check(client, etag, url="/dashboard/orders"):
    return client.get(url, headers={"If-None-Match": etag})


def test_nothing_moved_is_a_304_without_a_body(app, client, shop_id):
    _order(app, shop_id)
    page = client.get("/dashboard/orders")
    etag = page.headers["ETag"]
    assert etag.startswith('W/"')
    assert f'data-etag="{etag.replace(chr(34), "&#34;")}"' in page.get_data(as_text=True)

    again = _check(client, etag)

    assert again.status_code == 304
    assert again.get_data() == b""


@pytest.mark.parametrize("change", ["new order", "status", "paid"])
def test_any_change_the_list_shows_answers_the_page(app, client, shop_id, change):
    order_id = _order(app, shop_id)
    etag = client.get("/dashboard/orders").headers["ETag"]
    if change == "new order":
        _order(app, shop_id, customer_name="Recién llegada")
    elif change == "status":
        client.post(f"/dashboard/orders/{order_id}/status", data={"status": "confirmed"})
    else:
        client.post(f"/dashboard/orders/{order_id}/paid", data={"method": "Efectivo"})

    fresh = _check(client, etag)

    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != etag
    if change == "new order":
        assert "Recién llegada" in fresh.get_data(as_text=True)


def test_each_filter_and_page_has_its_own_etag(app, client, shop_id):
    _order(app, shop_id)
    etag = client.get("/dashboard/orders").headers["ETag"]
    assert _check(client, etag, "/dashboard/orders?status=new").status_code == 200
    assert _check(client, etag, "/dashboard/orders?paid=no").status_code == 200


def test_another_shops_new_order_moves_nothing(app, client, shop_id):
    _order(app, shop_id)
    etag = client.get("/dashboard/orders").headers["ETag"]
    with app.app_context():
        factories.make_order(factories.make_shop(factories.make_user(name="Bea")))
        db.session.commit()
    assert _check(client, etag).status_code == 304


def test_the_title_counts_new_orders(app, client, shop_id):
    _order(app, shop_id)
    _order(app, shop_id)
    _order(app, shop_id, status="confirmed")
    page = client.get("/dashboard/orders").get_data(as_text=True)
    assert "<title>(2) Orders" in page


def test_orders_still_new_after_the_shops_time_are_highlighted(app, client, shop_id):
    old = _order(app, shop_id, created_at=utcnow() - timedelta(minutes=20))
    fresh = _order(app, shop_id)
    confirmed = _order(app, shop_id, status="confirmed", created_at=utcnow() - timedelta(hours=2))
    page = client.get("/dashboard/orders").get_data(as_text=True)

    def row(order_id):
        return page.split(f'data-order="{order_id}"')[1].split(">")[0]

    assert 'class="stale"' in row(old)
    assert "stale" not in row(fresh)
    assert "stale" not in row(confirmed)

    client.post("/dashboard/orders/news", data={"stale_after_minutes": "0"})
    page = client.get("/dashboard/orders").get_data(as_text=True)
    assert 'class="stale"' not in page


def test_the_merchant_sets_the_highlight_and_the_email(app, client, shop_id):
    response = client.post(
        "/dashboard/orders/news", data={"stale_after_minutes": "45", "email_new_orders": "y"}
    )
    assert response.status_code == 303
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        assert (shop.stale_after_minutes, shop.email_new_orders) == (45, True)
    client.post("/dashboard/orders/news", data={"stale_after_minutes": "45"})
    with app.app_context():
        assert db.session.get(Shop, shop_id).email_new_orders is False


@pytest.mark.parametrize("minutes", ["-1", "1441", "abc", "9" * 400, "", "1e3"])
def test_a_wrong_number_of_minutes_changes_nothing(app, client, shop_id, minutes):
    response = client.post(
        "/dashboard/orders/news",
        data={"stale_after_minutes": minutes, "email_new_orders": "y"},
        follow_redirects=True,
    )
    assert "from 0 to 1440" in response.get_data(as_text=True)
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        assert (shop.stale_after_minutes, shop.email_new_orders) == (15, False)
    assert Order
