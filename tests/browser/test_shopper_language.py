"""A shopper whose phone is in English opens a Spanish shop's link: one tap on "EN"
reads the shop in English all the way to the order page, while the message the
merchant gets on WhatsApp stays in Spanish. Nothing is stored in the browser for it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shop.dev.demo import ensure_demo_shop
from shop.extensions import db
from shop.models import Item, Order, ShippingMethod
from tests.browser.conftest import PHONE
from tests.browser.taps import TapCounter
from tests.browser.test_shopping import WhatsApp

ESPRESSO = "Lámina Espresso (A4)"


@pytest.fixture
def demo(app):
    with app.app_context():
        shop = ensure_demo_shop()
        db.session.commit()
        item = db.session.scalars(select(Item).where(Item.name == ESPRESSO)).one()
        pickup = db.session.scalars(
            select(ShippingMethod).where(ShippingMethod.needs_address.is_(False))
        ).first()
        return {"slug": shop.slug, "id": shop.id, "espresso": item.id, "pickup": pickup.id}


@pytest.fixture
def english_phone(browser):
    context = browser.new_context(locale="en-US", **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_an_english_phone_reads_a_spanish_shop_in_english_and_orders_in_spanish(
    app, live_server, demo, english_phone
):
    taps = TapCounter(english_phone)
    whatsapp = WhatsApp(english_phone)
    page = english_phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    page.goto(f"{live_server}/s/{demo['slug']}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.locator("summary.shop-language").tap()  # three languages: a menu of the others
    page.locator("a.shop-language-choice[hreflang=en]").tap()
    page.wait_for_url(f"{live_server}/s/{demo['slug']}?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".cart-label")).to_have_text("Cart")

    page.locator(f"[data-add][data-item-id='{demo['espresso']}']").tap()
    bar = page.locator("[data-cart-bar]")
    expect(bar).to_contain_text("Order now")
    expect(page.locator("[data-cart-bar][data-sheet=ready]")).to_have_count(1)
    bar.tap()
    sheet = page.locator("dialog.sheet [data-checkout]")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("Your name")
    page.keyboard.type("Ann 🌻")
    page.locator(f"label:has(input[value='{demo['pickup']}'])").tap()
    page.locator("dialog.sheet [data-order-button]").click()
    page.wait_for_url("https://wa.me/**")

    with app.app_context():
        order = db.session.scalars(select(Order).where(Order.shop_id == demo["id"])).one()
        token, language = order.token, order.language
    _number, lines = whatsapp.decoded()
    assert language == "es"
    assert lines[0].startswith("Hola ")
    assert lines[1] == "*Pedido #1*"
    assert "Nombre: Ann 🌻" in lines
    assert lines[-1] == f"Ver pedido: {live_server}/o/{token}"  # the merchant's plain link
    # The 4 for a first-time order, plus the language menu and "English": with
    # three languages the bar holds a menu, so a long shop name keeps its room.
    assert taps.count <= 6, taps.log

    page.go_back()  # back from WhatsApp: the order page, still in English
    page.wait_for_url(f"{live_server}/o/{token}?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("Order #1")
    assert english_phone.cookies() == []
    assert errors == []
