"""The shopper's WhatsApp number at checkout, per the shop's setting, through the real stack:
the cart script's JSON, the no-JavaScript form, and the pages that show the question."""

from __future__ import annotations

import re

import pytest

from shop.extensions import db
from shop.models import PhonePolicy, Shop
from tests.storefront.shopper import build_shop, next_number, orders, post_cart

WHY = "so the shop can tell you when your order is ready"


@pytest.fixture
def ids(app):
    return build_shop(app)  # a Spanish WhatsApp number: the shop is in Spain


def _set_policy(app, ids, policy: PhonePolicy, whatsapp: str | None = None) -> None:
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        shop.ask_phone = policy
        if whatsapp:
            shop.whatsapp = whatsapp
        db.session.commit()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("612 34 56 78", "+34612345678"),  # read in the shop's country
        ("612-345-678", "+34612345678"),
        ("٦١٢٣٤٥٦٧٨", "+34612345678"),  # Arabic-Indic digits are digits
        ("+52 55 1234 5678", "+525512345678"),  # a number with its own country keeps it
        ("0052 55 1234 5678", "+525512345678"),
        ("", ""),  # optional: none given, none kept
        ("   ", ""),
    ],
)
def test_an_optional_number_is_kept_in_e164(app, client, ids, typed, stored):
    response = post_cart(client, ids, phone=typed)
    assert response.status_code == 200, response.get_json()
    (order,) = orders(app, ids.shop)
    assert order.customer_phone == stored


def test_a_number_is_read_in_the_shops_own_country(app, client, ids):
    _set_policy(app, ids, PhonePolicy.OPTIONAL, whatsapp="+525512345678")
    assert post_cart(client, ids, phone="55 8765 4321").status_code == 200
    assert orders(app, ids.shop)[0].customer_phone == "+525587654321"


@pytest.mark.parametrize(
    "typed",
    [
        "123",
        "abc",
        "612 34 56 78 99 99 99 99 99 99 99",
        "<script>alert(1)</script>",
        "+999 1234",
        "900 123 456",  # a toll-free line: nobody answers it on WhatsApp
        "6" * 5000,
        "📞 612345678",
    ],
)
def test_a_wrong_number_is_refused_naming_the_field(app, client, ids, typed):
    response = post_cart(client, ids, phone=typed)
    assert response.status_code == 422
    assert response.get_json()["field"] == "phone"
    assert orders(app, ids.shop) == []
    assert next_number(app, ids.shop) == 1


@pytest.mark.parametrize("phone", [None, 42, ["612345678"], {"n": 1}])
def test_a_number_that_is_not_text_counts_as_none(app, client, ids, phone):
    assert post_cart(client, ids, phone=phone).status_code == 200
    assert orders(app, ids.shop)[0].customer_phone == ""


def test_a_required_number_must_be_given(app, client, ids):
    _set_policy(app, ids, PhonePolicy.REQUIRED)
    response = post_cart(client, ids)
    assert response.status_code == 422
    assert response.get_json()["field"] == "phone"
    assert WHY in response.get_json()["error"]
    assert post_cart(client, ids, phone="612345678").status_code == 200
    assert orders(app, ids.shop)[0].customer_phone == "+34612345678"


def test_a_shop_that_does_not_ask_keeps_nothing_sent_anyway(app, client, ids):
    _set_policy(app, ids, PhonePolicy.OFF)
    assert post_cart(client, ids, phone="612345678").status_code == 200
    assert orders(app, ids.shop)[0].customer_phone == ""
    assert post_cart(client, ids, phone="not a number").status_code == 200


@pytest.mark.parametrize(
    ("policy", "asked", "required"),
    [
        (PhonePolicy.OFF, False, False),
        (PhonePolicy.OPTIONAL, True, False),
        (PhonePolicy.REQUIRED, True, True),
    ],
)
def test_the_cart_and_the_product_form_ask_as_the_shop_says(
    app, client, ids, policy, asked, required
):
    _set_policy(app, ids, policy)
    for url in ("/s/tienda-sol/cart", f"/s/tienda-sol/p/{ids.shirt}/order"):
        page = client.get(url).get_data(as_text=True)
        assert ('name="phone"' in page) is asked, url
        assert (WHY in page) is asked, url
        if asked:
            field = re.search(r'<input[^>]*name="phone"[^>]*>', page)[0]
            assert (" required" in field) is required, url
            assert 'type="tel"' in field


def test_the_no_javascript_form_keeps_the_number_and_shows_it_back_on_error(app, client, ids):
    form = {
        "item_id": str(ids.cap),
        "quantity": "1",
        "name": "",  # missing: the form comes back
        "phone": "612 34 56 78",
        "shipping_method_id": str(ids.pickup),
        "idempotency_key": "k" * 32,
    }
    again = client.post("/s/tienda-sol/checkout", data=form)
    assert again.status_code == 422
    assert 'value="612 34 56 78"' in again.get_data(as_text=True)
    bad = client.post("/s/tienda-sol/checkout", data=form | {"name": "Luis", "phone": "12"})
    assert bad.status_code == 422
    assert 'value="12"' in bad.get_data(as_text=True)
    done = client.post("/s/tienda-sol/checkout", data=form | {"name": "Luis"})
    assert done.status_code == 303
    (order,) = orders(app, ids.shop)
    assert order.customer_phone == "+34612345678"


def test_the_order_page_shows_the_number_formatted(app, client, ids):
    body = post_cart(client, ids, phone="612345678").get_json()
    page = client.get(body["order_url"]).get_data(as_text=True)
    assert "+34 612 34 56 78" in page


def test_the_same_form_sent_again_with_another_number_is_another_order(app, client, ids):
    form = {
        "item_id": str(ids.cap),
        "quantity": "1",
        "name": "Luis",
        "shipping_method_id": str(ids.pickup),
    }
    client.post(
        "/s/tienda-sol/checkout", data=form | {"phone": "612345678", "idempotency_key": "a" * 32}
    )
    client.post(
        "/s/tienda-sol/checkout", data=form | {"phone": "612345679", "idempotency_key": "b" * 32}
    )
    client.post(
        "/s/tienda-sol/checkout", data=form | {"phone": "612 345 679", "idempotency_key": "c" * 32}
    )
    assert [o.customer_phone for o in orders(app, ids.shop)] == ["+34612345678", "+34612345679"]


def test_deleting_the_shop_deletes_the_numbers_and_the_export_has_them(app, client, ids):
    import io
    import zipfile

    from sqlalchemy import func, select

    from shop.models import Order
    from shop.shops.archive import write_archive
    from shop.shops.deletion import delete_shop

    post_cart(client, ids, phone="612345678")
    with app.test_request_context():
        shop = db.session.get(Shop, ids.shop)
        buffer = io.BytesIO()
        write_archive(shop, buffer)
        with zipfile.ZipFile(buffer) as archive:
            assert "+34612345678" in archive.read("orders/orders.csv").decode()
            assert "+34612345678" in archive.read("orders/orders.json").decode()
        delete_shop(shop, shop.name)
        db.session.commit()
        left = select(func.count()).where(Order.customer_phone == "+34612345678")
        assert db.session.scalar(left) == 0
