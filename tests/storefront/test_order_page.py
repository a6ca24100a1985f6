"""The order page behind the link in the message: only for whoever holds the token."""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime

import pytest

from shop.extensions import db
from shop.models import Item, Shop
from tests import factories
from tests.storefront.shopper import build_shop, orders, post_cart


@pytest.fixture
def ids(app):
    return build_shop(app)


@pytest.fixture
def placed(client, ids):
    """An order placed through checkout: (its JSON answer, the page's response)."""
    body = post_cart(client, ids, name="Ana <i>", notes="Timbre\nroto").get_json()
    return body, client.get(body["order_url"].removeprefix("http://localhost"))


def test_shows_the_summary_and_the_open_whatsapp_button(placed):
    body, response = placed
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Order #1" in html
    assert "Camiseta azul" in html
    assert "Gorra" in html
    assert "€40.00" in html
    assert "€51.50" in html
    assert "Entrega a domicilio" in html
    assert "Calle Mayor 1, Madrid" in html
    assert "Ana &lt;i&gt;" in html
    assert "Timbre\nroto" in html
    button = re.search(r'<a class="button big whatsapp" href="([^"]+)"', html)
    assert html_lib.unescape(button.group(1)) == body["whatsapp_url"]
    assert "Open WhatsApp" in html


def test_is_never_indexed_cached_or_leaked(placed):
    _body, response = placed
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("token", ["nope", "A" * 43, "x" * 300, "%00", "1"])
def test_unknown_tokens_show_nothing(client, placed, token):
    response = client.get(f"/o/{token}")
    assert response.status_code == 404
    assert "Camiseta" not in response.get_data(as_text=True)


def test_a_truncated_or_altered_token_shows_nothing(client, placed):
    body, _response = placed
    token = body["order_url"].rsplit("/", 1)[1]
    for wrong in (token[:-1], token[:-1] + ("A" if token[-1] != "A" else "B"), token.lower()):
        if wrong != token:
            assert client.get(f"/o/{wrong}").status_code == 404


def test_keeps_showing_what_was_ordered_after_the_catalog_changes(app, client, placed):
    body, _response = placed
    with app.app_context():
        item = db.session.scalars(db.select(Item).where(Item.name == "Camiseta azul")).one()
        db.session.delete(item)
        db.session.commit()
    html = client.get(body["order_url"].removeprefix("http://localhost")).get_data(as_text=True)
    assert "Camiseta azul" in html
    assert "€51.50" in html


def test_speaks_the_language_the_order_was_placed_in(app, client, ids):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="idioma", language="en")
        factories.make_order(shop, language="en")
        db.session.commit()
        shop_id = shop.id
    (order,) = orders(app, shop_id)
    with app.app_context():
        db.session.get(Shop, shop_id).language = "es"  # the merchant switched later
        db.session.commit()
    response = client.get(f"/o/{order.token}", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_the_page_answers_its_own_check_with_304_until_the_order_moves(app, client):
    """Issue 17: the order page's poll costs a 304 while nothing moved, and stays private."""
    from shop.models import Order
    from shop.ordering.statuses import change_status

    with app.test_request_context():
        shop = factories.make_shop(
            factories.make_user(), language="en", time_zone="America/Mexico_City"
        )
        order = factories.make_order(shop, created_at=datetime(2030, 1, 1, 3, 30))
        db.session.commit()
        order_id, token = order.id, order.token
    first = client.get(f"/o/{token}")
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')
    assert html_lib.unescape(re.search(r'data-etag="([^"]*)"', first.text)[1]) == tag
    # 03:30 UTC on 1 January is 21:30 on 31 December in Mexico City.
    assert "12/31/29, 9:30" in first.text
    again = client.get(f"/o/{token}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    assert "no-store" in again.headers["Cache-Control"]
    assert again.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get("/o/" + "x" * 43, headers={"If-None-Match": tag}).status_code == 404
    with app.test_request_context():
        change_status(db.session.get(Order, order_id), "confirmed")
        db.session.commit()
    moved = client.get(f"/o/{token}", headers={"If-None-Match": tag})
    assert moved.status_code == 200
    assert moved.headers["ETag"] != tag
    assert "Confirmed" in moved.text[moved.text.index("data-follow") :]
