"""After the message: a shopper orders with their WhatsApp number, and the merchant tells
them it is confirmed with one tap, in Chromium.

wa.me is intercepted (no internet here): the test keeps every URL Chromium was sent to.
"""

from __future__ import annotations

from playwright.sync_api import expect

from shop.extensions import db
from tests import factories
from tests.browser.test_shopping import WhatsApp, _order


def test_the_merchant_confirms_with_one_tap_and_whatsapp_opens_to_the_shopper(
    app, live_server, phone_context, browser, browser_sign_in
):
    with app.app_context():
        owner = factories.make_user("Marta")
        shop = factories.make_shop(
            owner, slug="sun-shop", name="Sun Shop", language="en", currency="USD",
            whatsapp="+12025550123",
        )  # fmt: skip
        item = factories.make_item(shop, factories.make_category(shop, "Tops"), price_minor=2000)
        factories.make_shipping(shop, name="Pickup", price_minor=0, needs_address=False)
        db.session.commit()
        shop_id, owner_id, item_id = shop.id, owner.id, item.id

    # The shopper: one product, their number typed as people write it in their country.
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/sun-shop")
    page.locator(f"[data-add][data-item-id='{item_id}']").click()
    page.locator("[data-cart-link]").click()
    page.locator("#name").fill("Ana")
    expect(page.get_by_text("so the shop can tell you when your order is ready")).to_be_visible()
    page.locator("#phone").fill("(202) 555-0199")
    page.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")
    assert whatsapp.decoded()[0] == "12025550123"  # the order went to the shop
    order = _order(app, shop_id)
    assert order.customer_phone == "+12025550199"

    # The merchant, on their phone: one tap on Confirm.
    merchant = browser.new_context(locale="en-US", viewport={"width": 360, "height": 740},
                                   is_mobile=True, has_touch=True)  # fmt: skip
    try:
        told = WhatsApp(merchant)
        browser_sign_in(merchant, owner_id)
        desk = merchant.new_page()
        errors = []
        desk.on("pageerror", lambda error: errors.append(error))
        desk.goto(f"{live_server}/dashboard/orders/{order.id}")
        expect(desk.get_by_text("+1 202-555-0199")).to_be_visible()
        expect(desk.get_by_text("not verified")).to_be_visible()
        with merchant.expect_page() as opened:
            desk.get_by_role("button", name="Confirm").tap()
        opened.value.wait_for_url("https://wa.me/**")
        digits, lines = told.decoded()
        assert digits == "12025550199"
        assert lines == [
            "Hello Ana, this is Sun Shop.",
            f"Your order #{order.number} is confirmed. Total: $20.00.",
            f"Your order: {live_server}/o/{order.token}",
        ]
        # Back on the order page, it shows the new status.
        desk.bring_to_front()
        desk.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        expect(desk.locator("h1 .badge")).to_have_text("Confirmed")
        assert errors == []
    finally:
        merchant.close()
