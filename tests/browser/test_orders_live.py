"""New orders noticed in Chromium: a shopper orders in another browser context and the
merchant's open orders page shows it without a reload, counts it in the tab title and,
with permission given, shows a notification for it.

The page's clock is Playwright's, so no test waits 20 seconds; Notification is recorded
by a stand-in (headless Chromium shows none).
"""

from __future__ import annotations

from playwright.sync_api import expect

from shop.extensions import db
from tests import factories
from tests.browser.test_shopping import WhatsApp

NOTIFICATIONS = """
  window.shown = [];
  class Recorded { constructor(title, options) { window.shown.push([title, options.body]); } }
  Recorded.permission = 'default';
  Recorded.requestPermission = async () => { Recorded.permission = 'granted'; return 'granted'; };
  window.Notification = Recorded;
"""


def test_an_order_placed_elsewhere_appears_without_a_reload(
    app, live_server, browser, phone_context, browser_sign_in
):
    with app.app_context():
        owner = factories.make_user("Marta")
        shop = factories.make_shop(owner, slug="sun-shop", name="Sun Shop", language="en")
        item = factories.make_item(shop, factories.make_category(shop, "Tops"), price_minor=2000)
        factories.make_shipping(shop, name="Pickup", price_minor=0, needs_address=False)
        factories.make_order(shop, customer_name="Earlier", status="confirmed")
        db.session.commit()
        owner_id, item_id = owner.id, item.id

    merchant = browser.new_context(locale="en-US")
    try:
        browser_sign_in(merchant, owner_id)
        merchant.add_init_script(NOTIFICATIONS)
        desk = merchant.new_page()
        errors = []
        desk.on("pageerror", lambda error: errors.append(error))
        desk.clock.install()
        desk.goto(f"{live_server}/dashboard/orders")
        expect(desk.locator("tr[data-order]")).to_have_count(1)
        assert desk.title().startswith("Orders")
        desk.get_by_text("Noticing new orders").click()
        desk.locator("[data-notify]").click()
        expect(desk.locator("[data-notify]")).to_have_text(
            "Notifications and sound are on in this browser"
        )
        desk.locator("tr[data-order] input[name=ids]").check()  # a tick survives the swap

        def check_in_20_seconds():
            with desk.expect_response(lambda r: r.request.resource_type == "fetch") as answer:
                desk.clock.run_for(21_000)
            return answer.value

        assert check_in_20_seconds().status == 304  # nothing new: no body, nothing moves

        # The shopper, on their phone, in another browser context.
        WhatsApp(phone_context)
        shopper = phone_context.new_page()
        shopper.goto(f"{live_server}/s/sun-shop")
        shopper.locator(f"[data-add][data-item-id='{item_id}']").click()
        shopper.locator("[data-cart-link]").click()
        shopper.locator("#name").fill("Zoë 🌻")
        shopper.locator("[data-order-button]").click()
        shopper.wait_for_url("https://wa.me/**")

        assert check_in_20_seconds().status == 200
        expect(desk.locator("tr[data-order]")).to_have_count(2)
        expect(desk.locator("tr[data-order]").first).to_contain_text("Zoë 🌻")
        expect(desk).to_have_title("(1) Orders · Sun Shop")
        assert desk.evaluate("window.shown") == [["New order #2", "Zoë 🌻 · €20.00"]]
        expect(desk.locator("tr[data-order] input[name=ids]:checked")).to_have_count(1)
        assert desk.url == f"{live_server}/dashboard/orders"  # never reloaded

        # Still new after the shop's 15 minutes: highlighted, by the page's own clock.
        expect(desk.locator("tr.stale")).to_have_count(0)
        desk.clock.run_for(16 * 60_000)
        expect(desk.locator("tr.stale")).to_have_count(1)
        expect(desk.locator("tr.stale")).to_contain_text("Zoë")
        assert errors == []
    finally:
        merchant.close()
