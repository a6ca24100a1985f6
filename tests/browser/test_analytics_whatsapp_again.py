"""Issue 22 end to end: a shopper on an ordinary phone browser taps "Open WhatsApp"
again on their order's page; the tap is counted and the merchant sees it."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect
from sqlalchemy import select

from shop.extensions import db
from shop.models import DailyCount, Shop
from tests.browser.conftest import PHONE
from tests.browser.test_analytics import PHONE_UA
from tests.browser.test_shopping import WhatsApp, _check_out, _order, _shop


def _taps(app, shop_id: int) -> int:
    with app.app_context():
        return (
            db.session.scalar(
                select(DailyCount.count).where(
                    DailyCount.shop_id == shop_id, DailyCount.kind == "whatsapp_again"
                )
            )
            or 0
        )


def test_a_tap_on_open_whatsapp_on_the_order_page_is_counted(
    app, live_server, browser, browser_sign_in
):
    shop = _shop(app, slug="sun-shop", name="Sun Shop", language="en", currency="USD",
                 whatsapp="+12025550123")  # fmt: skip
    shopper = browser.new_context(locale="en-US", user_agent=PHONE_UA, **PHONE)
    shopper.set_default_timeout(10_000)
    wa = WhatsApp(shopper)
    page = shopper.new_page()
    page.goto(f"{live_server}/s/sun-shop/p/{shop['shirt']}")
    page.locator("[data-add-to-cart]").click()
    page.locator("[data-cart-link]").click()
    _check_out(page, shop, "Ana", "12 Main St", "")
    order = _order(app, shop["id"])
    assert _taps(app, shop["id"]) == 0
    page = shopper.new_page()
    page.goto(f"{live_server}/o/{order.token}")
    page.wait_for_load_state("load")
    page.locator("a.whatsapp").first.click()
    for _ in range(50):  # sendBeacon goes as the page leaves: a few seconds at most
        if _taps(app, shop["id"]):
            break
        time.sleep(0.1)
    assert _taps(app, shop["id"]) == 1
    assert wa.urls
    shopper.close()

    merchant = browser.new_context(locale="en-US")
    with app.app_context():
        browser_sign_in(merchant, db.session.get(Shop, shop["id"]).owner_id)
    page = merchant.new_page()
    page.goto(f"{live_server}/dashboard/analytics?period=today")
    expect(page.locator("[data-figure=whatsapp_again]")).to_have_text(re.compile(r"^1 "))
    merchant.close()
