"""A shopper at 360x740 types a discount code in the cart, sees the discount at once,
orders, and the wa.me text carries it line by line; a shared link fills the code."""

from __future__ import annotations

from playwright.sync_api import expect

from shop.extensions import db
from shop.models import Shop
from shop.ordering.coupon_edits import save_discount
from tests.browser.test_shopping import WhatsApp, _fill_the_cart, _order, _shop


def _shop_with_code(app) -> dict:
    shop = _shop(
        app, slug="sun-shop", name="Sun Shop", language="en", currency="USD",
        whatsapp="+12025550123",
    )  # fmt: skip
    with app.app_context():
        save_discount(
            db.session.get(Shop, shop["id"]), None, code="VERANO10", name="", kind="percent",
            value=1000,
        )  # fmt: skip
        db.session.commit()
    return shop


def test_a_shopper_types_a_code_sees_the_discount_and_orders(app, live_server, phone_context):
    shop = _shop_with_code(app)
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    _fill_the_cart(page, live_server, shop)  # 3 shirts and a cap: $68.50
    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").check()
    expect(page.locator("[data-cart-total]")).to_have_text("$71.50")

    page.locator("#coupon").fill("nope")
    page.locator("[data-coupon-apply]").click()
    expect(page.locator("[data-coupon-error]")).to_have_text("There is no code NOPE.")
    expect(page.locator("[data-discount]")).to_be_hidden()

    page.locator("#coupon").fill("verano10")
    page.locator("[data-coupon-apply]").click()
    expect(page.locator("[data-discount]")).to_have_text("Discount VERANO10: \u2212$6.85")
    expect(page.locator("[data-cart-total]")).to_have_text("$64.65")
    expect(page.locator("[data-coupon-error]")).to_be_hidden()
    # The code field fits the phone's width.
    box = page.locator("[data-coupon-apply]").bounding_box()
    assert box["x"] + box["width"] <= 360

    page.locator("#name").fill("Ana")
    page.locator("#address").fill("12 Main St")
    page.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")

    _number, lines = whatsapp.decoded()
    order = _order(app, shop["id"])
    assert lines == [
        "Hello Sun Shop, I would like to place this order:",
        "*Order #1*",
        "3 x Blue shirt - $60.00",
        "1 x Cap & hat #1 - $8.50",
        "Shipping: Home delivery - $3.00",
        "Discount VERANO10: -$6.85",
        "*Total: $64.65*",
        "Name: Ana",
        "Address: 12 Main St",
        f"View order: {live_server}/o/{order.token}",
    ]
    assert (order.discount_code, order.discount_minor, order.total_minor) == ("VERANO10", 685, 6465)
    assert errors == []


def test_a_shared_link_puts_the_code_in_the_cart(app, live_server, phone_context):
    shop = _shop_with_code(app)
    page = phone_context.new_page()
    _fill_the_cart(page, live_server, shop)
    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").check()
    page.goto(f"{live_server}/s/{shop['slug']}/cart?code=verano10")
    expect(page.locator("#coupon")).to_have_value("verano10")
    expect(page.locator("[data-discount]")).to_have_text("Discount VERANO10: \u2212$6.85")
    page.reload()  # kept with the cart's details
    expect(page.locator("#coupon")).to_have_value("verano10")


def test_the_discount_shows_before_a_shipping_method_is_picked(app, live_server, phone_context):
    shop = _shop_with_code(app)
    with app.app_context():
        save_discount(
            db.session.get(Shop, shop["id"]), None, code="SHIPFREE", name="",
            kind="free_shipping", value=0,
        )  # fmt: skip
        db.session.commit()
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    _fill_the_cart(page, live_server, shop)  # $68.50 of items, no method picked
    later = page.locator("[data-shipping-later]")

    page.locator("#coupon").fill("verano10")
    page.locator("[data-coupon-apply]").click()
    expect(page.locator("[data-discount]")).to_have_text("Discount VERANO10: \u2212$6.85")
    expect(page.locator("[data-cart-total]")).to_have_text("$61.65")
    expect(later).to_be_visible()
    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").check()
    expect(page.locator("[data-cart-total]")).to_have_text("$64.65")
    expect(later).to_be_hidden()

    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").evaluate(
        "input => { input.checked = false; }"
    )
    page.locator("#coupon").fill("shipfree")
    page.locator("[data-coupon-apply]").click()
    expect(page.locator("[data-discount]")).to_have_text("Discount SHIPFREE: free shipping")
    expect(page.locator("[data-cart-total]")).to_have_text("$68.50")
    expect(later).to_be_visible()
    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").check()
    expect(page.locator("[data-discount]")).to_have_text("Discount SHIPFREE: \u2212$3.00")
    expect(page.locator("[data-cart-total]")).to_have_text("$68.50")
    assert errors == []


def test_a_code_link_to_the_shop_page_is_applied_in_the_cart(app, live_server, phone_context):
    shop = _shop_with_code(app)
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    # The link the share page builds (tests/dashboard/test_share_code_link.py).
    page.goto(f"{live_server}/s/{shop['slug']}?code=VERANO10&utm_source=instagram")
    expect(page.locator("[data-cart-count]")).to_have_text("0")
    _fill_the_cart(page, live_server, shop)  # browses on without the code in the address
    expect(page.locator("#coupon")).to_have_value("VERANO10")
    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").check()
    expect(page.locator("[data-discount]")).to_have_text("Discount VERANO10: \u2212$6.85")
    expect(page.locator("[data-cart-total]")).to_have_text("$64.65")
    assert errors == []


def test_a_code_link_to_a_product_page_is_kept_too(app, live_server, phone_context):
    shop = _shop_with_code(app)
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/{shop['slug']}/p/{shop['cap']}?code=verano10")
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.goto(f"{live_server}/s/{shop['slug']}/cart")
    expect(page.locator("#coupon")).to_have_value("verano10")
    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").check()
    expect(page.locator("[data-discount]")).to_have_text("Discount VERANO10: \u2212$0.85")
