"""Ordering rules in Chromium: a below-minimum cart, and a closed shop under each policy.

The server's "now" is app.config["CLOCK"]; the shop page's open/closed line uses the
browser's clock, set with Playwright's clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect

from shop.extensions import db
from shop.models import ClosedPolicy, Shop
from tests.browser.test_shopping import WhatsApp, _order, _shop

SATURDAY_NIGHT = datetime(2026, 4, 4, 21, 0, tzinfo=UTC)  # 23:00 in Madrid


def _rules(app, shop_id: int, **fields) -> None:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        for name, value in fields.items():
            setattr(shop, name, value)
        db.session.commit()


def _add_and_open_cart(page, live_server, shop, item: str) -> None:
    page.goto(f"{live_server}/s/{shop['slug']}")
    page.locator(f"[data-add][data-item-id='{shop[item]}']").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.locator("[data-cart-link]").click()


def _order_with_pickup(page, name: str = "Ana") -> None:
    page.locator("#name").fill(name)
    page.locator("input[name=shipping_method_id]").nth(1).check()
    page.locator("[data-order-button]").click()


def test_below_minimum_cart_is_refused_then_goes_through(app, live_server, context):
    shop = _shop(app, language="en", currency="EUR")
    _rules(app, shop["id"], min_order_minor=3000)
    whatsapp = WhatsApp(context)
    page = context.new_page()
    _add_and_open_cart(page, live_server, shop, "shirt")  # 20.00
    notice = page.locator("[data-min-order]")
    expect(notice).to_have_text("The minimum order is €30.00. Add €10.00 more to order.")
    _order_with_pickup(page)
    error = page.locator("[data-checkout-error]")
    expect(error).to_have_text("The minimum order is €30.00. Add €10.00 more to order.")
    expect(page.locator(".cart-line")).to_have_count(1)  # the cart is kept
    shirt = page.locator(f".cart-line[data-item-id='{shop['shirt']}']")
    shirt.locator("[data-line-step='1']").click()
    expect(notice).to_be_hidden()
    page.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")
    assert _order(app, shop["id"]).subtotal_minor == 4000
    assert whatsapp.urls


def test_closed_shop_refuses_or_takes_the_order_with_a_note(app, live_server, context):
    shop = _shop(app, language="en", currency="EUR")
    weekdays = {str(day): [["09:00", "20:00"]] for day in range(5)}
    _rules(app, shop["id"], opening_hours=weekdays, time_zone="Europe/Madrid")
    app.config["CLOCK"] = lambda: SATURDAY_NIGHT
    whatsapp = WhatsApp(context)
    page = context.new_page()
    page.clock.set_fixed_time(SATURDAY_NIGHT)
    _add_and_open_cart(page, live_server, shop, "shirt")
    expect(page.locator("[data-hours-status]")).to_have_text("Closed, opens Monday at 09:00")
    _order_with_pickup(page)
    expect(page.locator("[data-checkout-error]")).to_have_text(
        "The shop is closed now and takes orders again Monday at 09:00."
    )
    assert not whatsapp.urls

    _rules(app, shop["id"], closed_policy=ClosedPolicy.NOTE)
    page.reload()
    _order_with_pickup(page)
    page.wait_for_url("https://wa.me/**")
    _number, lines = whatsapp.decoded()
    note = "The shop is closed now; it will answer Monday at 09:00."
    assert note in lines
    assert _order(app, shop["id"]).closed_note == note


def test_shop_page_says_open_until_closing_time(app, live_server, phone_context):
    shop = _shop(app, language="es", currency="EUR")
    weekdays = {str(day): [["09:00", "20:00"]] for day in range(5)}
    _rules(app, shop["id"], opening_hours=weekdays, time_zone="Europe/Madrid")
    page = phone_context.new_page()
    page.clock.set_fixed_time(datetime(2026, 3, 30, 10, 0, tzinfo=UTC))  # Monday 12:00
    page.goto(f"{live_server}/s/{shop['slug']}")
    expect(page.locator("[data-hours-status]")).to_have_text("Abierto ahora, cierra a las 20:00")
