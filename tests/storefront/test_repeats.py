"""No duplicates from the no-JavaScript form: the same order sent again is the first one,
and "order again" on the order page is the one way to place it twice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Order
from tests.storefront.options_shop import build_options_shop
from tests.storefront.shopper import build_shop, orders, post_cart

KEY = re.compile(r'name="idempotency_key" value="([A-Za-z0-9_-]+)"')


@pytest.fixture
def ids(app):
    return build_shop(app)


def _form(ids, n: int = 0, **fields) -> dict:
    """The "order just this" form as a browser posts it; each call a new key, as after
    Back in a browser that fetched the form again."""
    return {
        "item_id": str(ids.cap),
        "quantity": "2",
        "name": "Luis Pérez 🌞",
        "shipping_method_id": str(ids.delivery),
        "address": "Sol 3, Madrid",
        "notes": "",
        "idempotency_key": f"key-{n}-" + "x" * 20,
    } | fields


def _post(client, data):
    return client.post("/s/tienda-sol/checkout", data=data, headers={"Accept-Language": "en"})


def test_the_same_form_with_a_new_key_returns_the_order_already_placed(app, client, ids):
    first = _post(client, _form(ids, 1))
    assert first.headers["Location"].startswith("https://wa.me/")
    again = _post(client, _form(ids, 2, name="  luis  pérez 🌞 "))  # case and spaces aside
    (order,) = orders(app, ids.shop)
    assert again.status_code == 303
    assert again.headers["Location"] == f"http://localhost/o/{order.token}?repeated=1"
    page = client.get(again.headers["Location"], headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert "Order #1 is already recorded, so nothing was ordered twice." in text
    assert 'href="https://wa.me/34612345678?text=' in text
    assert "Set-Cookie" not in page.headers


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": "3"},
        {"name": "Lucía"},
        {"shipping_method_id": "pickup"},
        {"address": "Luna 5"},
        {"notes": "Gift wrap"},
        {"item_id": "shirt"},
    ],
    ids=["quantity", "name", "method", "address", "notes", "item"],
)
def test_a_different_order_is_a_new_order(app, client, ids, change):
    change = {
        field: str(getattr(ids, value)) if value in ("pickup", "shirt") else value
        for field, value in change.items()
    }
    assert _post(client, _form(ids, 1)).headers["Location"].startswith("https://wa.me/")
    second = _post(client, _form(ids, 2, **change))
    assert second.headers["Location"].startswith("https://wa.me/")
    assert [order.number for order in orders(app, ids.shop)] == [1, 2]


def test_pickup_ignores_an_address_typed_anyway(app, client, ids):
    pickup = {"shipping_method_id": str(ids.pickup)}
    _post(client, _form(ids, 1, **pickup))  # recorded without the address
    again = _post(client, _form(ids, 2, **pickup, address="Another street"))
    assert again.headers["Location"].endswith("?repeated=1")
    assert len(orders(app, ids.shop)) == 1


def test_after_ten_minutes_the_same_form_is_a_new_order(app, client, ids):
    _post(client, _form(ids, 1))
    with app.app_context():
        for order in db.session.scalars(select(Order)):
            order.created_at -= timedelta(minutes=11)
        db.session.commit()
    assert _post(client, _form(ids, 2)).headers["Location"].startswith("https://wa.me/")
    assert len(orders(app, ids.shop)) == 2


def test_the_cart_script_is_not_subject_to_the_rule(app, client, ids):
    """Its key lives with the cart, so a new key there is a new cart: a new order."""
    assert post_cart(client, ids).status_code == post_cart(client, ids).status_code == 200
    assert len(orders(app, ids.shop)) == 2


def test_order_again_places_a_new_order_once_per_button(app, client, ids):
    _post(client, _form(ids, 1))
    (first,) = orders(app, ids.shop)
    page = client.get(f"/o/{first.token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Order again" in page
    key = KEY.search(page).group(1)
    again = {"again": first.token, "idempotency_key": key}
    response = _post(client, again)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://wa.me/")
    assert _post(client, again).headers["Location"].endswith("?repeated=1")  # a double tap
    first, second = orders(app, ids.shop)
    assert second.number == 2
    assert [(line.item_id, line.quantity) for line in second.lines] == [(ids.cap, 2)]
    assert (second.customer_name, second.customer_address, second.shipping_name) == (
        first.customer_name,
        first.customer_address,
        first.shipping_name,
    )
    # A new view of the page gives a new button: ordering a third time is possible.
    assert KEY.search(client.get(f"/o/{first.token}").get_data(as_text=True)).group(1) != key


def test_order_again_keeps_the_options_and_prices_them_again(app, client):
    option_ids = build_options_shop(app, language="en")
    form = {
        "item_id": str(option_ids.shirt),
        "quantity": "1",
        "choice": [str(option_ids.l), str(option_ids.red), str(option_ids.print_)],
        "name": "Ana",
        "shipping_method_id": str(option_ids.delivery),
        "address": "Sol 1",
        "idempotency_key": "o" * 32,
    }
    assert client.post(f"/s/{option_ids.slug}/checkout", data=form).status_code == 303
    (first,) = orders(app, option_ids.shop)
    assert first.lines[0].unit_price_minor == 2000 + 200 + 500
    response = client.post(
        f"/s/{option_ids.slug}/checkout", data={"again": first.token, "idempotency_key": "a" * 32}
    )
    assert response.headers["Location"].startswith("https://wa.me/")
    _, second = orders(app, option_ids.shop)
    assert second.lines[0].options_text == first.lines[0].options_text
    assert second.total_minor == first.total_minor


@pytest.mark.parametrize("token", ["nope", "x" * 43, "other-shop"])
def test_order_again_refuses_an_unknown_or_another_shops_order(app, client, ids, token):
    if token == "other-shop":
        other = client.post(
            "/s/otra-tienda/checkout",
            data={
                "item_id": str(ids.other_item),
                "quantity": "1",
                "name": "Eva",
                "shipping_method_id": str(ids.other_method),
                "address": "Sol 1",
                "idempotency_key": "e" * 32,
            },
        )
        assert other.status_code == 303
        (order,) = orders(app, ids.other_shop)
        token = order.token
    response = _post(client, {"again": token, "idempotency_key": "a" * 32})
    assert response.status_code == 400
    assert orders(app, ids.shop) == []


@pytest.mark.parametrize(
    ("fetch_site", "status"), [("same-origin", 303), ("cross-site", 403), (None, 403)]
)
def test_order_again_is_sent_with_a_null_origin_which_only_fetch_site_can_vouch_for(
    app, client, ids, fetch_site, status
):
    """The order page has no referrer policy, so its form posts say "Origin: null"."""
    _post(client, _form(ids, 1))
    (first,) = orders(app, ids.shop)
    headers = {"Origin": "null"} | ({"Sec-Fetch-Site": fetch_site} if fetch_site else {})
    response = client.post(
        "/s/tienda-sol/checkout",
        data={"again": first.token, "idempotency_key": "a" * 32},
        headers=headers,
    )
    assert response.status_code == status
    assert len(orders(app, ids.shop)) == (2 if status == 303 else 1)
