"""Issue 23 in Chromium: a shop with a Meta Pixel and GA4 asks first. Before "Accept"
and after "Reject" the pages make no request to anyone but the shop and set no cookie;
after "Accept" each event reaches the pixels once with the right values, the purchase
once per order however often its page is opened; withdrawing stops them.

Meta's and Google's hosts are routed to local stand-ins (nothing leaves the machine):
their scripts forward every queued call to the pixel's own collection host, which is
recorded here.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from shop.extensions import db
from shop.models import Shop
from shop.shops.settings import set_pixels
from tests.browser.test_shopping import WhatsApp, _check_out, _order, _shop

META, GA4 = "123456789012345", "G-ABC123DEF4"
# What fbevents.js and gtag.js would do with the queued calls, minus everything else.
META_SCRIPT = """(() => {
  const fbq = window.fbq;
  const send = (args) => fetch("https://www.facebook.com/tr/?call=" +
    encodeURIComponent(JSON.stringify(Array.from(args))), { mode: "no-cors" });
  fbq.callMethod = (...args) => send(args);
  fbq.queue.forEach(send);
  fbq.queue.length = 0;
})();"""
GA4_SCRIPT = """(() => {
  const send = (args) => fetch("https://www.google-analytics.com/g/collect?call=" +
    encodeURIComponent(JSON.stringify(Array.from(args))), { mode: "no-cors" });
  window.dataLayer.forEach(send);
  window.dataLayer.push = (args) => { send(args); return 0; };
})();"""


class Pixels:
    """Meta's and Google's hosts, local: their scripts, and the calls they collect."""

    def __init__(self, context, site: str):
        self.calls: dict[str, list[list]] = {"meta": [], "ga4": []}
        self.foreign: list[str] = []  # every request to anyone but the shop
        context.route(
            "https://connect.facebook.net/**", lambda route: self._script(route, META_SCRIPT)
        )
        context.route(
            "https://www.googletagmanager.com/**", lambda route: self._script(route, GA4_SCRIPT)
        )
        context.route("https://www.facebook.com/**", lambda route: self._collect(route, "meta"))
        context.route(
            "https://www.google-analytics.com/**", lambda route: self._collect(route, "ga4")
        )
        context.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((site, "data:", "https://wa.me/"))
                else self.foreign.append(request.url)
            ),
        )

    @staticmethod
    def _script(route, body: str) -> None:
        route.fulfill(status=200, content_type="text/javascript", body=body)

    def _collect(self, route, pixel: str) -> None:
        call = parse_qs(urlsplit(route.request.url).query)["call"][0]
        self.calls[pixel].append(json.loads(call))
        route.fulfill(status=204, body="")

    def events(self, pixel: str, name: str) -> list[dict]:
        """The values of each `name` event the pixel received."""
        kind = "track" if pixel == "meta" else "event"
        return [
            call[2] if len(call) > 2 else {}
            for call in self.calls[pixel]
            if call[0] == kind and call[1] == name
        ]


def _pixel_shop(app) -> dict:
    shop = _shop(app, slug="sun-shop", name="Sun Shop", language="en", currency="USD",
                 whatsapp="+12025550123")  # fmt: skip
    with app.app_context():
        set_pixels(db.session.get(Shop, shop["id"]), meta_pixel_id=META, ga4_measurement_id=GA4)
        db.session.commit()
    return shop


def _shopper(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 800})
    context.set_default_timeout(10_000)
    return context


def test_nothing_goes_to_anyone_before_accept_nor_after_reject(app, live_server, browser):
    shop = _pixel_shop(app)
    context = _shopper(browser)
    pixels = Pixels(context, live_server)
    page = context.new_page()

    page.goto(f"{live_server}/s/sun-shop/p/{shop['shirt']}")
    banner = page.locator("[data-consent]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Meta (Facebook, Instagram) and Google")
    accept, reject = (
        banner.get_by_role("button", name="Accept"),
        banner.get_by_role("button", name="Reject"),
    )
    assert accept.bounding_box()["width"] == reject.bounding_box()["width"]
    assert accept.bounding_box()["height"] == reject.bounding_box()["height"]
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    assert pixels.foreign == []
    assert context.cookies() == []

    reject.click()
    expect(banner).to_be_hidden()
    page.goto(f"{live_server}/s/sun-shop")
    expect(page.locator("[data-consent]")).to_be_hidden()  # asked once, not on every page
    page.goto(f"{live_server}/s/sun-shop/cart")
    page.wait_for_load_state("networkidle")

    assert pixels.foreign == []
    assert context.cookies() == []
    assert pixels.calls == {"meta": [], "ga4": []}
    context.close()


def test_after_accept_each_event_arrives_once_and_withdrawing_stops_them(app, live_server, browser):
    shop = _pixel_shop(app)
    context = _shopper(browser)
    WhatsApp(context)
    pixels = Pixels(context, live_server)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    page.goto(f"{live_server}/s/sun-shop/p/{shop['shirt']}")
    page.locator("[data-consent]").get_by_role("button", name="Accept").click()
    page.wait_for_load_state("networkidle")
    assert pixels.events("meta", "PageView") == [{}]
    assert pixels.events("meta", "ViewContent") == [
        {
            "content_ids": [str(shop["shirt"])],
            "content_type": "product",
            "value": 20,
            "currency": "USD",
        }
    ]
    assert [call[0] for call in pixels.calls["ga4"][:2]] == ["js", "config"]
    assert pixels.calls["ga4"][1][1] == GA4
    assert pixels.events("ga4", "view_item")[0]["items"] == [
        {"item_id": str(shop["shirt"]), "price": 20}
    ]

    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.wait_for_load_state("networkidle")
    assert [event["value"] for event in pixels.events("meta", "AddToCart")] == [20]
    assert len(pixels.events("ga4", "add_to_cart")) == 1

    page.locator("[data-cart-link]").click()
    page.wait_for_load_state("networkidle")
    assert len(pixels.events("meta", "InitiateCheckout")) == 1
    assert len(pixels.events("ga4", "begin_checkout")) == 1
    _check_out(page, shop, "Ana", "12 Main St", "")
    order = _order(app, shop["id"])
    page.goto(f"{live_server}/o/{order.token}")  # back from WhatsApp: the order page
    page.wait_for_load_state("networkidle")
    page.reload()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server}/o/{order.token}")
    page.wait_for_load_state("networkidle")

    total = order.total_minor / 100
    assert pixels.events("meta", "Purchase") == [
        {
            "value": total,
            "currency": "USD",
            "content_ids": [str(shop["shirt"])],
            "content_type": "product",
        }
    ]
    assert pixels.events("ga4", "purchase") == [
        {"transaction_id": f"{shop['id']}-{order.number}", "value": total, "currency": "USD"}
    ]

    page.goto(f"{live_server}/s/sun-shop")
    page.get_by_role("button", name="Ads measurement: your choice").click()
    with page.expect_navigation():  # withdrawn: the page starts again without the pixels
        page.locator("[data-consent]").get_by_role("button", name="Reject").click()
    before = {name: len(calls) for name, calls in pixels.calls.items()}
    foreign = len(pixels.foreign)
    page.goto(f"{live_server}/s/sun-shop/p/{shop['cap']}")
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.wait_for_load_state("networkidle")

    assert {name: len(calls) for name, calls in pixels.calls.items()} == before
    assert len(pixels.foreign) == foreign
    assert errors == []
    context.close()


def test_a_shop_without_pixels_never_asks(app, live_server, browser):
    shop = _shop(app, slug="plain", name="Plain", language="en", currency="USD",
                 whatsapp="+12025550123")  # fmt: skip
    context = _shopper(browser)
    pixels = Pixels(context, live_server)
    page = context.new_page()

    page.goto(f"{live_server}/s/plain/p/{shop['shirt']}")
    page.locator("[data-add-to-cart]").click()
    page.wait_for_load_state("networkidle")

    assert page.locator("[data-consent]").count() == 0
    assert pixels.foreign == []
    context.close()
