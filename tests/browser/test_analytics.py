"""Issue 22 end to end: a shopper on an ordinary phone browser comes from an Instagram
link, views two products, adds one and orders; the merchant's analytics page for today
shows it all, attributed to Instagram. (Headless browsers are not counted, so the
context speaks as a phone's Chrome does.) On the way no page asks anyone but the shop
(the beacon included) and nothing sets a cookie or varies on one."""

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


class Watched:
    """Every request the shopper's pages make to anyone but the shop (WhatsApp, where
    the order button sends the shopper, aside), and every response that sets a cookie
    or varies on one."""

    def __init__(self, context, site: str):
        self.foreign: list[str] = []
        self.set_cookie: list[str] = []
        self.vary_cookie: list[str] = []
        self.beacons = 0
        context.on("request", lambda request: self._request(request, site))
        context.on("response", self._response)

    def _request(self, request, site: str) -> None:
        if request.url.startswith(f"{site}/") and request.url.split("?")[0].endswith("/e"):
            self.beacons += 1
        if not request.url.startswith((f"{site}/", "data:", "https://wa.me/")):
            self.foreign.append(request.url)

    def _response(self, response) -> None:
        headers = response.all_headers()
        if "set-cookie" in headers:
            self.set_cookie.append(response.url)
        if "cookie" in headers.get("vary", "").lower():
            self.vary_cookie.append(response.url)


def test_an_instagram_shopper_shows_in_todays_analytics(app, live_server, browser, browser_sign_in):
    shop = _shop(app, slug="sun-shop", name="Sun Shop", language="en", currency="USD",
                 whatsapp="+12025550123")  # fmt: skip
    shopper = browser.new_context(locale="en-US", user_agent=PHONE_UA, **PHONE)
    shopper.set_default_timeout(10_000)
    WhatsApp(shopper)
    watched = Watched(shopper, live_server)
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
    assert shopper.cookies() == []
    shopper.close()
    _wait_for_the_order_beacon(app, shop["id"])
    assert watched.beacons >= 5  # shop, two products, the add, the checkout, the order
    assert watched.foreign == []
    assert watched.set_cookie == []
    assert watched.vary_cookie == []

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


def test_no_public_page_asks_anyone_else_or_sets_a_cookie(app, live_server, browser):
    shop = _shop(app, slug="sun-shop", name="Sun Shop", language="en", currency="USD",
                 whatsapp="+12025550123")  # fmt: skip
    shopper = browser.new_context(locale="en-US", user_agent=PHONE_UA, **PHONE)
    shopper.set_default_timeout(10_000)
    WhatsApp(shopper)
    watched = Watched(shopper, live_server)
    page = shopper.new_page()
    page.goto(f"{live_server}/s/sun-shop/p/{shop['shirt']}?utm_source=tiktok&utm_campaign=🌞")
    page.locator("[data-add-to-cart]").click()
    page.locator("[data-cart-link]").click()
    _check_out(page, shop, "Ana", "12 Main St", "")
    order = _order(app, shop["id"])
    with app.app_context():
        category = db.session.scalar(select(Shop).where(Shop.id == shop["id"])).categories[0].id
    for path in ("/", "/s/sun-shop", f"/s/sun-shop/c/{category}", f"/s/sun-shop/p/{shop['cap']}",
                 "/s/sun-shop/cart", "/s/sun-shop/privacy", f"/o/{order.token}",
                 "/s/no-such-shop", "/s/sun-shop/p/999999"):  # fmt: skip
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
    page.goto("about:blank")  # the last page's beacons leave as it does
    assert shopper.cookies() == []
    shopper.close()
    assert watched.beacons >= 6
    assert watched.foreign == []
    assert watched.set_cookie == []
    # The front page is no shop's: it varies on the cookie, a merchant signed in being
    # sent on to the dashboard. Every shop page, the beacon's answers and files do not.
    assert set(watched.vary_cookie) <= {f"{live_server}/"}
