"""The Content-Security-Policy in Chromium: every page works under it, injected markup
never runs, and the no-JavaScript checkout may still hop to WhatsApp.

Chromium reports each blocked script, style or form target on the console; a page
that works under the policy reports none.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shop.extensions import db
from shop.web import headers as security
from tests import factories
from tests.browser.test_shopping import WhatsApp

IMG = '"><img src=x onerror=alert(1)>'
SCRIPT = "<script>alert(2)</script>"


class Watch:
    """Collects CSP reports, script errors and dialogs (alert() would mean injected code ran)."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"error: {error}"))
        page.on("dialog", self._dialog)
        page.on("response", self._response)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"{response.status}: {response.url}")

    def _dialog(self, dialog):
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()


def _shop(app, **fields):
    with app.app_context():
        user = factories.make_user()
        values = {"slug": "sol", "name": "Sol", "language": "en"} | fields
        shop = factories.make_shop(user, **values)
        category = factories.make_category(shop, f"Tops {IMG}")
        shirt = factories.make_item(shop, category, name=f"Shirt {SCRIPT}", price_minor=2000)
        cap = factories.make_item(shop, category, name=f"Cap {IMG}", price_minor=850)
        factories.make_shipping(shop, name="Pickup", price_minor=0, needs_address=False)
        db.session.commit()
        return {"user": user.id, "slug": shop.slug, "shirt": shirt.id, "cap": cap.id}


def test_a_shopper_orders_with_scripts_on_and_nothing_is_blocked(app, live_server, phone_context):
    shop = _shop(app)
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    watch = Watch(page)
    page.goto(f"{live_server}/s/{shop['slug']}")
    page.locator(f"[data-add][data-item-id='{shop['shirt']}']").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.goto(f"{live_server}/s/{shop['slug']}/p/{shop['cap']}")
    page.locator("[data-add-to-cart]").click()
    page.locator("[data-cart-link]").first.click()
    expect(page.locator(".cart-line")).to_have_count(2)
    page.locator("#name").fill("Ana")
    page.locator("input[name=shipping_method_id]").first.check()
    page.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")
    assert len(whatsapp.urls) == 1
    assert watch.problems == []


def test_the_no_javascript_checkout_may_hop_to_whatsapp(app, live_server, browser):
    shop = _shop(app)
    context = browser.new_context(java_script_enabled=False)
    whatsapp = WhatsApp(context)
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{live_server}/s/{shop['slug']}/p/{shop['shirt']}/order")
    page.locator("#name").fill("Ana")
    page.locator("input[name=shipping_method_id]").first.check()
    page.get_by_role("button", name="Order on WhatsApp").click()
    page.wait_for_url("https://wa.me/**")
    assert len(whatsapp.urls) == 1
    assert watch.problems == []
    context.close()


def test_without_whatsapp_in_form_action_chromium_would_block_that_hop(
    app, live_server, browser, monkeypatch
):
    """Proves the test above can fail: Chromium checks form-action on the redirect."""
    monkeypatch.setattr(security, "FORM_TARGETS", ())
    shop = _shop(app)
    context = browser.new_context(java_script_enabled=False)
    whatsapp = WhatsApp(context)
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{live_server}/s/{shop['slug']}/p/{shop['shirt']}/order")
    page.locator("#name").fill("Ana")
    page.locator("input[name=shipping_method_id]").first.check()
    page.get_by_role("button", name="Order on WhatsApp").click()
    page.wait_for_timeout(1500)
    assert whatsapp.urls == []
    assert any("form-action" in problem for problem in watch.problems)
    context.close()


DASHBOARD = [
    "/dashboard",
    "/dashboard/items",
    "/dashboard/items/new",
    "/dashboard/categories",
    "/dashboard/shipping",
    "/dashboard/shipping/new",
    "/dashboard/orders",
    "/dashboard/share",
    "/dashboard/settings",
    "/dashboard/setup",
]


@pytest.mark.parametrize("path", DASHBOARD)
def test_dashboard_pages_run_under_the_policy(app, live_server, context, browser_sign_in, path):
    shop = _shop(app)
    browser_sign_in(context, shop["user"])
    page = context.new_page()
    watch = Watch(page)
    response = page.goto(f"{live_server}{path}")
    assert response.status == 200
    page.wait_for_load_state("load")
    assert "Content-Security-Policy" in {name.title() for name in response.headers}
    assert watch.problems == []


def test_the_item_form_scripts_still_work(app, live_server, context, browser_sign_in):
    """items.js runs under the policy: the edit page's script-driven parts respond."""
    shop = _shop(app)
    browser_sign_in(context, shop["user"])
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{live_server}/dashboard/items")
    checkboxes = page.locator("input[name=item_ids]")
    expect(checkboxes).to_have_count(2)
    checkboxes.first.check()
    page.goto(f"{live_server}/dashboard/items/{shop['shirt']}/edit")
    expect(page.locator("#name")).to_have_value(f"Shirt {SCRIPT}")
    assert watch.problems == []
