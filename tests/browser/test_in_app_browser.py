"""Opened from Instagram: the order page's copy button puts the exact message on the
clipboard, and the number is there to copy too."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_shopping import WhatsApp, _shop
from tests.storefront.test_in_app import INSTAGRAM


def test_in_instagram_the_order_page_copies_the_exact_message(app, live_server, browser):
    shop = _shop(app, slug="sun-shop", name="Sun Shop", language="en", whatsapp="+34612345678")
    context = browser.new_context(locale="en-US", user_agent=INSTAGRAM, **PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    context.set_default_timeout(10_000)
    whatsapp = WhatsApp(context)
    page = context.new_page()
    page.goto(f"{live_server}/s/sun-shop")
    page.locator(f"[data-add][data-item-id='{shop['shirt']}']").tap()
    page.locator("[data-cart-bar]").tap()
    page.locator("#name").fill("Ana 🌻")
    page.get_by_text("Pickup").tap()
    page.locator("[data-order-button]").click()

    # Not sent off to wa.me from inside the app: the order page, WhatsApp first.
    page.wait_for_url(f"{live_server}/o/**")
    expect(page.locator("[data-in-app]")).to_contain_text("Instagram")
    open_whatsapp = page.get_by_role("link", name="Open WhatsApp")
    expect(open_whatsapp).to_be_visible()
    page.get_by_role("button", name="Copy the order message").tap()
    expect(page.locator("[data-copy-status]")).to_have_text(
        "Order message copied. Paste it in a chat with the shop."
    )
    copied = page.evaluate("navigator.clipboard.readText()")

    open_whatsapp.click()
    page.wait_for_url("https://wa.me/**")
    _number, lines = whatsapp.decoded()
    assert copied.split("\n") == lines  # the very text the wa.me link carries
    assert "Name: Ana 🌻" in lines

    page.go_back()
    expect(page.locator("[data-number]")).to_have_text("+34 612 34 56 78")
    page.get_by_role("button", name="Copy the number").tap()
    expect(page.locator("[data-copy-status]")).to_have_text("Number copied.")
    assert page.evaluate("navigator.clipboard.readText()") == "+34 612 34 56 78"
    context.close()
