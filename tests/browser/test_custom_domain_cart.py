"""A shop at its own domain in a phone's browser (issue 28): the cart filled there stays
there, and the path form keeps working without sending the shopper away (a redirect
would empty the cart, which lives per address), naming the domain as canonical.

Chromium reaches the test's name through a proxy that is the app itself (the server
reads the absolute URL's host), so no DNS and no network are needed.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shop.extensions import db
from shop.models import DomainState, ShopDomain
from tests import factories
from tests.browser.conftest import PHONE

NAME = "tienda.example.com"


@pytest.fixture
def shop(app):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="sol", name="Tienda Sol ☀️")
        item = factories.make_item(shop, None, name="Gorra 🧢", price_minor=1500)
        db.session.add(
            ShopDomain(shop_id=shop.id, name=NAME, token="t" * 32, state=DomainState.LIVE)
        )
        shop.custom_domain = NAME
        db.session.commit()
        return {"slug": shop.slug, "item": item.id}


@pytest.fixture
def through_the_app(browser, live_server):
    context = browser.new_context(locale="es-ES", proxy={"server": live_server}, **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_the_cart_stays_on_the_domain_where_it_was_filled(live_server, shop, through_the_app):
    page = through_the_app.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"http://{NAME}/")
    expect(page.locator("h1")).to_contain_text("Tienda Sol ☀️")
    page.locator(f"[data-add][data-item-id='{shop['item']}']").tap()
    expect(page.locator("[data-cart-count]").first).to_have_text("1")
    page.reload()
    expect(page.locator("[data-cart-count]").first).to_have_text("1")
    assert page.url == f"http://{NAME}/"

    # The path form answers where it is (no redirect), names the domain as canonical,
    # and has its own cart: the shopper who filled one on the domain finds it there.
    page.goto(f"{live_server}/s/{shop['slug']}")
    assert page.url == f"{live_server}/s/{shop['slug']}"
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == f"https://{NAME}/"
    expect(page.locator("[data-cart-count]").first).to_have_text("0")
    page.goto(f"http://{NAME}/")
    expect(page.locator("[data-cart-count]").first).to_have_text("1")
    assert errors == []
