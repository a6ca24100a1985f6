"""A shop on the home screen, in Chromium: after one visit the shop's worker keeps what
was seen, so with the network cut the shop and a seen product still open, an unseen one
says it needs a connection, and ordering says it could not be sent, keeps the cart and
sends nothing until the shopper taps again online. A slow network is answered from what
was kept within about two seconds, and a merchant's change shows on the next visit."""

from __future__ import annotations

import threading
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from shop.dev.demo import ensure_demo_shop
from shop.extensions import db
from shop.models import Item, Order, ShippingMethod
from tests.browser.test_shopping import WhatsApp

ESPRESSO = "Lámina Espresso (A4)"
DALIA = "Lámina Dalia naranja (A4)"


class Slow:
    """WSGI wrapper: while `seconds` is set, every answer of the shop's pages waits."""

    def __init__(self, app):
        self.app, self.seconds = app, 0.0

    def __call__(self, environ, start_response):
        if self.seconds and environ["PATH_INFO"].startswith("/s/"):
            time.sleep(self.seconds)
        return self.app(environ, start_response)


@pytest.fixture
def slow_server(app):
    slow = Slow(app.wsgi_app)
    app.wsgi_app = slow
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", slow
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def demo(app):
    with app.app_context():
        shop = ensure_demo_shop()
        db.session.commit()
        items = {item.name: item.id for item in db.session.scalars(select(Item))}
        pickup = db.session.scalars(
            select(ShippingMethod).where(ShippingMethod.needs_address.is_(False))
        ).first()
        return {
            "id": shop.id,
            "espresso": items[ESPRESSO],
            "dalia": items[DALIA],
            "pickup": pickup.id,
        }


def _visit_once(page, base) -> None:
    """A first visit: the shop's page, then one product; the worker takes over."""
    page.goto(f"{base}/s/demo")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    _until(
        page,
        """async () => {
          const names = await caches.keys();
          const pages = names.find((name) => name.includes('-pages-'));
          const files = names.find((name) => name.includes('-files-'));
          if (!pages || !files) return false;
          return (await (await caches.open(pages)).keys()).length > 0
            && (await (await caches.open(files)).keys()).length > 2;
        }""",
    )


def _until(page, predicate: str, seconds: float = 30) -> None:
    """Wait for an async predicate (page.evaluate awaits it; wait_for_function does not)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, predicate
        page.wait_for_timeout(100)


def _kept_urls(page) -> list[str]:
    return page.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
          }
          return urls;
        }"""
    )


def test_offline_the_seen_pages_open_and_an_order_waits_for_the_shoppers_tap(
    app, live_server, demo, phone_context
):
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    _visit_once(page, live_server)
    page.goto(f"{live_server}/s/demo/p/{demo['espresso']}")
    expect(page.locator("h1")).to_have_text(ESPRESSO)

    phone_context.set_offline(True)
    page.goto(f"{live_server}/s/demo")
    expect(page.locator(f"[data-add][data-item-id='{demo['espresso']}']")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.shop-bar')).position") == (
        "sticky"
    )  # its stylesheet came from the worker too
    page.goto(f"{live_server}/s/demo/p/{demo['espresso']}")
    expect(page.locator("h1")).to_have_text(ESPRESSO)
    page.goto(f"{live_server}/s/demo/p/{demo['dalia']}")
    expect(page.locator("[data-offline]")).to_contain_text("necesita conexión")  # Spanish shop

    page.goto(f"{live_server}/s/demo")
    page.locator(f"[data-add][data-item-id='{demo['espresso']}']").tap()
    expect(page.locator("[data-cart-bar][data-sheet=ready]")).to_have_count(1)
    page.locator("[data-cart-bar]").tap()
    checkout = page.locator("dialog.sheet [data-checkout]")
    expect(checkout).to_be_visible()
    page.keyboard.type("Ana")
    page.locator(f"label:has(input[value='{demo['pickup']}'])").tap()
    page.locator("dialog.sheet [data-order-button]").click()
    network = page.locator("#shop-messages").get_attribute("data-network")
    expect(page.locator("dialog.sheet [data-checkout-error]")).to_have_text(network)
    time.sleep(1)
    with app.app_context():
        assert db.session.scalars(select(Order)).all() == []  # nothing sent behind her back
    expect(page.locator("[data-cart-count]").first).to_have_text("1")

    phone_context.set_offline(False)
    page.locator("dialog.sheet [data-order-button]").click()
    page.wait_for_url("https://wa.me/**")
    with app.app_context():
        assert len(db.session.scalars(select(Order)).all()) == 1
    assert len(whatsapp.urls) == 1
    assert not any("/o/" in url or "/checkout" in url for url in _kept_urls(page))


def test_a_slow_network_is_answered_from_what_was_kept_and_a_change_shows_next_time(
    app, slow_server, demo, phone_context
):
    base, slow = slow_server
    page = phone_context.new_page()
    _visit_once(page, base)

    with app.app_context():
        db.session.get(Item, demo["espresso"]).name = "Lámina Espresso nueva"
        db.session.commit()
    slow.seconds = 5
    began = time.monotonic()
    page.goto(f"{base}/s/demo", wait_until="domcontentloaded")
    waited = time.monotonic() - began
    expect(page.locator(".card-name", has_text=ESPRESSO)).to_have_count(1)  # the kept page
    assert waited < 4.5, waited
    print(f"\nslow network: the kept page in {waited:.1f} s")

    slow.seconds = 0
    page.wait_for_timeout(4000)  # the late answer arrives and is kept
    page.goto(f"{base}/s/demo")
    expect(page.locator(".card-name", has_text="Lámina Espresso nueva")).to_have_count(1)


def test_the_worker_keeps_at_most_its_pages(app, live_server, demo, phone_context):
    app.config["SERVICE_WORKER_PAGES"] = 3
    page = phone_context.new_page()
    _visit_once(page, live_server)
    with app.app_context():
        ids = [item.id for item in db.session.scalars(select(Item).limit(6))]
    for item_id in ids:
        page.goto(f"{live_server}/s/demo/p/{item_id}")
    page.wait_for_timeout(500)
    kept = [url for url in _kept_urls(page) if "/s/demo" in url]
    assert len(kept) == 3, kept
    assert kept[-1].endswith(f"/p/{ids[-1]}")  # the oldest went first


KEPT_BYTES = """async () => {
  let total = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      total += Number((await cache.match(request)).headers.get("X-Kept-Bytes") || 0);
    }
  }
  return total;
}"""


def test_the_worker_keeps_at_most_its_megabytes(app, live_server, demo, phone_context):
    app.config["SERVICE_WORKER_MEGABYTES"] = 0.15
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/demo")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    with app.app_context():
        ids = [item.id for item in db.session.scalars(select(Item).limit(5))]
    for item_id in ids:  # each product page brings its large photos
        page.goto(f"{live_server}/s/demo/p/{item_id}")
    page.wait_for_timeout(1000)
    kept = page.evaluate(KEPT_BYTES)
    assert 0 < kept <= 150_000, kept
    assert any(url.endswith(f"/p/{ids[-1]}") for url in _kept_urls(page))  # the newest stays


def test_a_new_release_replaces_what_the_old_worker_kept(
    app, live_server, demo, phone_context, monkeypatch
):
    page = phone_context.new_page()
    _visit_once(page, live_server)
    old = page.evaluate("async () => await caches.keys()")
    assert old
    monkeypatch.setattr("shop.storefront.home_screen.code_version", lambda: "next-release")
    page.reload()  # each visit asks for the worker's script: the new one takes over
    _until(page, f"async () => !(await caches.keys()).some((name) => {old!r}.includes(name))")
    page.reload()
    expect(page.locator(f"[data-add][data-item-id='{demo['espresso']}']")).to_be_visible()
    _until(
        page,
        """async () => (await caches.keys()).some((name) => name.includes('next-release'))""",
    )


def test_a_no_store_page_is_never_kept(app, live_server, demo, phone_context):
    page = phone_context.new_page()
    _visit_once(page, live_server)
    response = page.goto(f"{live_server}/s/demo/p/{demo['espresso']}/order")
    assert "no-store" in response.headers["cache-control"]  # the one-product order form
    page.goto(f"{live_server}/s/demo/p/{demo['espresso']}")
    page.wait_for_timeout(500)
    kept = _kept_urls(page)
    assert any(url.endswith(f"/p/{demo['espresso']}") for url in kept)
    assert not any("/order" in url for url in kept)


def test_chromium_finds_the_shop_installable(live_server, demo, phone_context):
    """What Chromium checks before it offers "Install app" / "Add to home screen"."""
    page = phone_context.new_page()
    _visit_once(page, live_server)
    cdp = phone_context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/s/demo/manifest.webmanifest")
    assert manifest.get("errors", []) == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito, where Chromium never installs: nothing else.
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []


OFFER = """() => {
  // Chromium's own event never fires in Playwright's incognito contexts: the same event,
  // made here, with the prompt() the shop calls.
  const event = new Event("beforeinstallprompt", { cancelable: true });
  event.prompt = () => { window.promptedToInstall = true; };
  window.dispatchEvent(event);
  return event.defaultPrevented;  // the browser's own banner waits
}"""


def test_installing_is_offered_from_the_second_visit_never_on_arrival(
    live_server, demo, phone_context
):
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/demo")
    assert page.evaluate(OFFER) is True
    expect(page.locator("[data-install]")).to_be_hidden()  # a first visit: nothing

    second = phone_context.new_page()  # another day: a new tab, a new session
    second.goto(f"{live_server}/s/demo")
    second.evaluate(OFFER)
    offer = second.locator("[data-install] button")
    expect(offer).to_be_visible()
    offer.tap()
    assert second.evaluate("() => window.promptedToInstall") is True
    expect(second.locator("[data-install]")).to_be_hidden()
