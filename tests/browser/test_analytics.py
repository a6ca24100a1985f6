"""Issue 22 end to end: a shopper on an ordinary phone browser comes from an Instagram
link, views two products, adds one and orders; the merchant's analytics page for today
shows it all, attributed to Instagram. (Headless browsers are not counted, so the
context speaks as a phone's Chrome does.)"""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect
from sqlalchemy import select

from shop.extensions import db
from shop.models import DailySource, Shop
from tests.browser.conftest import PHONE
from tests.browser.test_shopping import WhatsApp, _check_out, _order, _shop

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)


def _wait_for_the_order_beacon(app, shop_id: int) -> None:
    """sendBeacon is sent as the page leaves: wait (a few seconds at most) for it."""
    for _ in range(50):
        with app.app_context():
            if db.session.scalar(select(DailySource.orders).where(DailySource.shop_id == shop_id)):
                return
        time.sleep(0.1)


def test_an_instagram_shopper_shows_in_todays_analytics(app, live_server, browser, browser_sign_in):
    shop = _shop(app, slug="sun-shop", name="Sun Shop", language="en", currency="USD",
                 whatsapp="+12025550123")  # fmt: skip
    shopper = browser.new_context(locale="en-US", user_agent=PHONE_UA, **PHONE)
    shopper.set_default_timeout(10_000)
    WhatsApp(shopper)
    page = shopper.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server}/s/sun-shop?utm_source=instagram&utm_campaign=bio")
    page.locator(f"a[href$='/p/{shop['cap']}']").first.click()
    page.wait_for_url(f"**/p/{shop['cap']}")
    page.goto(f"{live_server}/s/sun-shop/p/{shop['shirt']}")
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.locator("[data-cart-link]").click()
    _check_out(page, shop, "Ana", "12 Main St", "")
    order = _order(app, shop["id"])
    assert errors == []
    shopper.close()
    _wait_for_the_order_beacon(app, shop["id"])

    merchant = browser.new_context(locale="en-US")
    merchant.set_default_timeout(10_000)
    with app.app_context():
        browser_sign_in(merchant, db.session.get(Shop, shop["id"]).owner_id)
    page = merchant.new_page()
    page.goto(f"{live_server}/dashboard/analytics?period=today")
    expect(page.locator("[data-figure=visitors]")).to_have_text(re.compile(r"^1 \(new\)"))
    expect(page.locator("[data-figure=orders]")).to_have_text(re.compile(r"^1 \(new\)"))
    expect(page.locator("[data-figure=revenue]")).to_contain_text("$23.00")
    assert order.total_minor == 2300
    steps = {
        step: page.locator(f"[data-step={step}] td").first.inner_text()
        for step in ("visitors", "product_views", "adds", "checkouts", "orders")
    }
    assert steps == {
        "visitors": "1", "product_views": "2", "adds": "1", "checkouts": "1", "orders": "1"
    }  # fmt: skip
    instagram = page.locator("[data-source=instagram]")
    expect(instagram).to_contain_text("bio")
    cells = instagram.locator("td.num").all_inner_texts()
    assert cells == ["1", "3", "1", "$23.00"]  # visitors, views, orders, revenue
    merchant.close()
