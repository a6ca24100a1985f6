"""In an app's own browser (Instagram, Facebook...), checkout leads to the order page,
which offers WhatsApp first, then the exact message and the number to copy."""

from __future__ import annotations

import html
import re

import pytest

from shop.extensions import db
from shop.models import Shop
from shop.whatsapp import message as whatsapp
from tests.storefront.shopper import build_shop, cart, orders

INSTAGRAM = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Instagram 330.0.2.17.96 (iPhone15,3; iOS 17_4; es_ES)"
)
CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
COPY = re.compile(r'data-copy="([^"]*)"')


@pytest.fixture
def ids(app):
    return build_shop(app)


def _form(ids) -> dict:
    return {
        "item_id": str(ids.cap),
        "quantity": "1",
        "name": "Ana",
        "shipping_method_id": str(ids.pickup),
        "idempotency_key": "i" * 32,
    }


@pytest.mark.parametrize(("agent", "goes_to"), [(INSTAGRAM, "order page"), (CHROME, "wa.me")])
def test_checkout_sends_an_app_browser_to_the_order_page(app, client, ids, agent, goes_to):
    headers = {"User-Agent": agent}
    form = client.post("/s/tienda-sol/checkout", data=_form(ids), headers=headers)
    result = client.post("/s/tienda-sol/checkout", json=cart(ids), headers=headers).get_json()
    first, second = orders(app, ids.shop)
    if goes_to == "wa.me":
        assert form.headers["Location"].startswith("https://wa.me/")
        assert result["next"] == result["whatsapp_url"]
    else:
        assert form.headers["Location"] == f"http://localhost/o/{first.token}"
        assert result["next"] == result["order_url"] == f"http://localhost/o/{second.token}"


def test_the_order_page_offers_the_exact_message_and_the_number_to_copy(app, client, ids):
    client.post("/s/tienda-sol/checkout", json=cart(ids, name='Ana "la del 3º" 🌻'))
    (order,) = orders(app, ids.shop)
    page = client.get(f"/o/{order.token}", headers={"User-Agent": INSTAGRAM})
    text = page.get_data(as_text=True)
    message, number = (html.unescape(value) for value in COPY.findall(text))
    with app.test_request_context():
        shop = db.session.get(Shop, ids.shop)
        expected = whatsapp.order_message(order, shop, f"http://localhost/o/{order.token}")
    assert message == expected
    assert 'Name: Ana "la del 3º" 🌻' in message  # the shop's language, not the page's
    assert number == "+34 612 34 56 78"
    assert text.index("https://wa.me/") < text.index("data-copy=")  # WhatsApp first
    assert "If WhatsApp does not open from Instagram" in text
    assert page.headers["Cache-Control"] == "private, no-store"


def test_a_phone_browser_gets_no_app_hint(app, client, ids):
    client.post("/s/tienda-sol/checkout", json=cart(ids))
    (order,) = orders(app, ids.shop)
    text = client.get(f"/o/{order.token}", headers={"User-Agent": CHROME}).get_data(as_text=True)
    assert "data-in-app" not in text
    assert "+34 612 34 56 78" in text
