"""Back and send again: one order, whether the browser restores the page from its
back-forward cache or fetches the form again (with a new key)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.test_shopping import WhatsApp, _shop
from tests.storefront.shopper import orders


@pytest.fixture(params=["bfcache-on", "bfcache-off"])
def back_context(request, browser):
    """A phone whose browser has the back-forward cache on, or off (a browser of its own,
    launched by the session's Playwright)."""
    switch = "--disable-features" if request.param == "bfcache-off" else "--enable-features"
    own = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"{switch}=BackForwardCache"]
    )
    context = own.new_context(locale="en-US", **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()
    own.close()


def test_back_and_order_again_from_the_one_product_form_records_one_order(
    app, live_server, back_context
):
    shop = _shop(app, slug="sun-shop", name="Sun Shop", language="en", whatsapp="+12025550123")
    whatsapp = WhatsApp(back_context)
    page = back_context.new_page()
    page.goto(f"{live_server}/s/sun-shop/p/{shop['shirt']}")
    page.get_by_role("button", name="Order just this on WhatsApp").click()
    page.locator("#name").fill("Ana")
    page.get_by_text("Pickup").click()
    page.get_by_role("button", name="Order on WhatsApp").click()
    page.wait_for_url("https://wa.me/**")

    page.go_back()
    page.wait_for_url(f"**/s/sun-shop/p/{shop['shirt']}/order?quantity=1")
    if not page.locator("#name").input_value():  # fetched again: typed again, as people do
        page.locator("#name").fill("Ana")
    if not page.locator("input[name=shipping_method_id]:checked").count():
        page.get_by_text("Pickup").click()
    page.get_by_role("button", name="Order on WhatsApp").click()

    (order,) = orders(app, shop["id"])
    page.wait_for_url(f"{live_server}/o/{order.token}?repeated=1")
    expect(page.locator("[data-repeated]")).to_contain_text(
        f"Order #{order.number} is already recorded"
    )
    expect(page.get_by_role("link", name="Open WhatsApp")).to_be_visible()
    assert len(whatsapp.urls) == 1

    # Ordering the same again is one explicit tap away, and is one new order.
    page.get_by_role("button", name="Order again").click()
    page.wait_for_url("https://wa.me/**")
    assert [found.number for found in orders(app, shop["id"])] == [1, 2]


def test_the_one_product_form_asks_the_address_only_for_a_delivery(app, live_server, browser):
    shop = _shop(app, slug="sun-shop", name="Sun Shop", language="en")
    context = browser.new_context(locale="en-US", java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/s/sun-shop/p/{shop['shirt']}/order")
    address = page.locator("#address")
    expect(address).to_be_hidden()  # no method chosen yet
    page.get_by_text("Pickup").click()
    expect(address).to_be_hidden()
    page.get_by_text("Home delivery").click()
    expect(address).to_be_visible()
    context.close()
