"""The shopper's language: a Spanish shop opens in Spanish and offers English with one
tap; the pick is part of the URL (no cookie, one cacheable page per language), every
link between the shopper's pages keeps it, and the WhatsApp message stays Spanish."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from shop.storefront.fast.page_cache import EXTENSION, LocalPages
from tests.storefront.shopper import build_shop, cart, orders

SWITCH = re.compile(r'<a class="shop-language[-a-z]*" href="([^"]*)" hreflang="([\w-]+)"')
PRODUCT_LINK = re.compile(r'href="(/s/tienda-sol/p/\d+[^"]*)"')


@pytest.fixture
def ids(app):
    app.extensions[EXTENSION] = LocalPages()  # pages are kept: the fast path answers too
    return build_shop(app, language="es")


def _switch(text: str) -> dict[str, str]:
    return {code: html.unescape(url) for url, code in SWITCH.findall(text)}


def test_the_shop_opens_in_its_language_and_offers_the_other_with_one_tap(client, ids):
    page = client.get("/s/tienda-sol", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert '<html lang="es' in text
    assert "Carrito" in text
    assert _switch(text) == {"en": "/s/tienda-sol?lang=en", "pt-BR": "/s/tienda-sol?lang=pt_BR"}


def test_a_picked_language_is_a_page_of_its_own_cacheable_and_cookie_free(client, ids):
    spanish = client.get("/s/tienda-sol")
    english = client.get("/s/tienda-sol?lang=en")
    text = english.get_data(as_text=True)
    assert '<html lang="en' in text
    assert "Cart" in text
    assert "Carrito" not in text
    assert english.headers["Cache-Control"] == spanish.headers["Cache-Control"]
    assert english.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in english.headers
    assert "Cookie" not in english.headers.get("Vary", "")
    assert english.headers["ETag"] != spanish.headers["ETag"]
    # Back to Spanish is the plain link, one address per language.
    assert _switch(text) == {"es": "/s/tienda-sol", "pt-BR": "/s/tienda-sol?lang=pt_BR"}
    again = client.get("/s/tienda-sol?lang=en", headers={"If-None-Match": english.headers["ETag"]})
    assert again.status_code == 304
    crossed = client.get("/s/tienda-sol", headers={"If-None-Match": english.headers["ETag"]})
    assert crossed.status_code == 200  # the Spanish page is not the English one


def test_kept_pages_never_answer_in_the_other_language(client, ids):
    for _ in range(2):  # the second round is answered by the fast path, from kept pages
        english = client.get("/s/tienda-sol?lang=en").get_data(as_text=True)
        spanish = client.get("/s/tienda-sol").get_data(as_text=True)
        product = client.get(f"/s/tienda-sol/p/{ids.cap}?lang=en").get_data(as_text=True)
        assert "Cart" in english
        assert "Carrito" not in english
        assert "Carrito" in spanish
        assert not any("lang=" in link for link in PRODUCT_LINK.findall(spanish))
        assert '<html lang="en' in product


def test_links_between_the_shoppers_pages_keep_the_language(client, ids):
    text = client.get("/s/tienda-sol?lang=en").get_data(as_text=True)
    products = PRODUCT_LINK.findall(text)
    assert products
    assert all(link.endswith("?lang=en") for link in products)
    assert 'href="/s/tienda-sol/cart?lang=en"' in text
    product = client.get(products[0]).get_data(as_text=True)
    assert 'action="/s/tienda-sol/p/' in product
    assert "/order?lang=en" in product
    cart_page = client.get("/s/tienda-sol/cart?lang=en").get_data(as_text=True)
    assert 'action="/s/tienda-sol/checkout?lang=en"' in cart_page


@pytest.mark.parametrize("value", ["fr", "", "EN", "x" * 500, "en'><script>"])
def test_an_unknown_language_is_the_shops(client, ids, value):
    page = client.get("/s/tienda-sol", query_string={"lang": value})
    assert page.status_code == 200
    assert page.headers["ETag"] == client.get("/s/tienda-sol").headers["ETag"]
    text = page.get_data(as_text=True)
    assert "Carrito" in text
    assert "lang=" + value not in text or value == ""  # never written back into the page


def test_the_search_keeps_the_language_and_the_switch_keeps_the_search(client, ids):
    text = client.get("/s/tienda-sol?q=gorra&lang=en").get_data(as_text=True)
    assert "Gorra" in text
    assert "Cart" in text
    switch = _switch(text)
    assert set(switch) == {"es", "pt-BR"}
    assert parse_qs(urlsplit(switch["es"]).query) == {"q": ["gorra"]}
    assert parse_qs(urlsplit(switch["pt-BR"]).query) == {"q": ["gorra"], "lang": ["pt_BR"]}


def test_the_message_stays_in_the_shops_language(app, client, ids):
    result = client.post("/s/tienda-sol/checkout?lang=en", json=cart(ids)).get_json()
    (order,) = orders(app, ids.shop)
    assert order.language == "es"
    message = unquote(parse_qs(urlsplit(result["whatsapp_url"]).query)["text"][0])
    assert "Pedido" in message
    assert "Total" in message
    # The merchant's link in the message is the plain one; the shopper's keeps English.
    assert f"/o/{order.token}\n" in message + "\n"
    assert "lang=" not in message
    assert result["order_url"].endswith(f"/o/{order.token}?lang=en")
    page = client.get(result["order_url"]).get_data(as_text=True)
    assert '<html lang="en' in page
    assert "Pedido" in html.unescape(page)  # the message to copy, still the shop's
    assert _switch(page) == {"es": f"/o/{order.token}", "pt-BR": f"/o/{order.token}?lang=pt_BR"}


def test_a_form_sent_again_in_english_leads_to_the_english_order_page(app, client, ids):
    form = {
        "item_id": str(ids.cap),
        "quantity": "1",
        "name": "Ana",
        "shipping_method_id": str(ids.pickup),
        "idempotency_key": "k" * 32,
    }
    client.post("/s/tienda-sol/checkout?lang=en", data=form)
    again = client.post("/s/tienda-sol/checkout?lang=en", data=form)
    (order,) = orders(app, ids.shop)
    assert again.status_code == 303
    location = urlsplit(again.headers["Location"])
    assert location.path == f"/o/{order.token}"
    assert parse_qs(location.query) == {"lang": ["en"], "repeated": ["1"]}
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert f"Order #{order.number}" in page


@pytest.mark.parametrize(
    ("path", "browser", "picked", "title"),
    [
        ("/s/no-such-shop?lang=es", "en", "es", "Página no encontrada"),
        ("/s/tienda-sol/p/999999?lang=en", "es", "en", "Page not found"),
        ("/o/not-a-real-token?lang=es", "en", "es", "Página no encontrada"),
    ],
)
def test_a_missing_page_speaks_the_language_its_link_asked_for(
    client, ids, path, browser, picked, title
):
    response = client.get(path, headers={"Accept-Language": browser})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert title in page
    assert f'lang="{picked}"' in page


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?lang=en",
        "?q=gorra+roja&lang=pt_BR",
        "?q=%C3%B1and%C3%BA+%F0%9F%A7%A2&x=1&x=2",  # unicode, emoji, a repeated key
        "?q=a%26b%3Dc%3F%23&utm_source=ig",  # the characters a query must escape
    ],
)
def test_each_switch_link_is_the_url_url_for_writes(app, ids, query):
    """language_links builds one URL and adds the language to it: the links are exactly
    url_for's, whatever the query holds."""
    from flask import g, request, url_for

    from shop.storefront.blueprint import language_links
    from shop.storefront.loading import shop_or_404

    for path in ("/s/tienda-sol", f"/s/tienda-sol/p/{ids.cap}", "/s/tienda-sol/cart"):
        with app.test_request_context(path + query):
            app.preprocess_request()
            shop_or_404("tienda-sol")  # the page's own first step: the shop's language
            args = {**request.view_args}
            args.update((k, v) for k, v in request.args.items() if k != "lang")
            expected = [
                url_for(request.endpoint, **args, lang=None if code == g.shop_language else code)
                for code, _name, _url in language_links()
            ]
            assert [url for _code, _name, url in language_links()] == expected
            assert len(expected) == 2
