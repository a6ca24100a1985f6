"""A shopper on a phone: from the shop link to the WhatsApp chat, in Chromium.

There is no internet here, so the final hop to wa.me is intercepted: the test keeps
the URL Chromium was sent to and answers with a blank page.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect
from sqlalchemy import select

from shop.extensions import db
from shop.models import Order
from tests import factories
from tests.browser.conftest import PHONE

SPANISH_CATALOG = Path(__file__).parents[2] / "shop/translations/es/LC_MESSAGES/messages.mo"


def _shop(app, shirt: str = "Blue shirt", **fields) -> dict:
    """A shop with two products, delivery (needs an address) and pickup."""
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), **fields)
        category = factories.make_category(shop, "Tops")
        shirt = factories.make_item(shop, category, name=shirt, price_minor=2000)
        cap = factories.make_item(shop, category, name="Cap & hat #1", price_minor=850)
        delivery = factories.make_shipping(shop, name="Home delivery", price_minor=300)
        factories.make_shipping(shop, name="Pickup", price_minor=0, needs_address=False, position=1)
        db.session.commit()
        return {
            "slug": shop.slug,
            "id": shop.id,
            "shirt": shirt.id,
            "cap": cap.id,
            "delivery": delivery.id,
        }


class WhatsApp:
    """Stands in for wa.me: records where the browser was sent."""

    def __init__(self, context):
        self.urls: list[str] = []
        context.route("https://wa.me/**", self._answer)

    def _answer(self, route):
        self.urls.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>WhatsApp</title>")

    def decoded(self) -> tuple[str, list[str]]:
        (url,) = self.urls
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("https", "wa.me")
        text = parse_qs(parts.query, strict_parsing=True)["text"][0]
        return parts.path.lstrip("/"), text.split("\n")


def _order(app, shop_id: int) -> Order:
    with app.app_context():
        order = db.session.scalars(select(Order).where(Order.shop_id == shop_id)).one()
        _ = order.lines
        db.session.expunge_all()
        return order


def _fill_the_cart(page, live_server, shop) -> None:
    """Add two products (one from its card, one from its page), then make it 3 shirts."""
    page.goto(f"{live_server}/s/{shop['slug']}")
    badge = page.locator("[data-cart-count]")
    expect(badge).to_have_text("0")
    page.locator(f"[data-add][data-item-id='{shop['shirt']}']").click()
    expect(badge).to_have_text("1")
    page.locator(f"a[href$='/p/{shop['cap']}']").first.click()
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-status]")).not_to_be_empty()
    expect(badge).to_have_text("2")
    page.locator("[data-cart-link]").click()
    shirt_line = page.locator(f".cart-line[data-item-id='{shop['shirt']}']")
    shirt_line.locator("[data-line-step='1']").click()
    shirt_line.locator("[data-line-qty]").fill("3")
    shirt_line.locator("[data-line-qty]").press("Tab")
    expect(badge).to_have_text("4")
    page.reload()  # the cart lives in the browser: still there
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(
        page.locator(f".cart-line[data-item-id='{shop['shirt']}'] [data-line-qty]")
    ).to_have_value("3")
    expect(badge).to_have_text("4")


def _check_out(page, shop, name: str, address: str, notes: str) -> None:
    page.locator("#name").fill(name)
    expect(page.locator("[data-address-field]")).to_be_hidden()
    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").check()
    expect(page.locator("[data-address-field]")).to_be_visible()
    page.locator("#address").fill(address)
    page.locator("#notes").fill(notes)
    page.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")


def test_a_shopper_orders_two_products_on_whatsapp(app, live_server, phone_context):
    shop = _shop(
        app,
        slug="sun-shop",
        name="Sun Shop",
        language="en",
        currency="USD",
        whatsapp="+12025550123",
    )
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    _fill_the_cart(page, live_server, shop)
    expect(page.locator("[data-cart-subtotal]")).to_have_text("$68.50")
    _check_out(page, shop, "Ana & Luis", "12 Main St\nApt 4 #B", "Ring twice? Thanks 🎉")

    number, lines = whatsapp.decoded()
    order = _order(app, shop["id"])
    assert number == "12025550123"
    assert lines == [
        "Hello Sun Shop, I would like to place this order:",
        "*Order #1*",
        "3 x Blue shirt - $60.00",
        "1 x Cap & hat #1 - $8.50",
        "Shipping: Home delivery - $3.00",
        "*Total: $71.50*",
        "Name: Ana & Luis",
        "Address: 12 Main St",
        "Apt 4 #B",
        "Notes: Ring twice? Thanks 🎉",
        f"View order: {live_server}/o/{order.token}",
    ]
    assert order.total_minor == 7150
    # Back from WhatsApp, the shopper lands on the order page with its button.
    page.go_back()
    page.wait_for_url(f"{live_server}/o/{order.token}")
    expect(page.get_by_role("link", name="Open WhatsApp")).to_be_visible()
    # The cart was emptied: the next order starts afresh.
    page.goto(f"{live_server}/s/sun-shop/cart")
    expect(page.locator("[data-cart-empty]")).to_be_visible()
    expect(page.locator("[data-last-order]")).to_contain_text("#1")
    assert errors == []


def test_instant_search_filters_the_cards_as_you_type(app, live_server, phone_context):
    _shop(
        app,
        slug="sun-shop",
        name="Sun Shop",
        language="en",
        currency="USD",
        whatsapp="+12025550123",
    )
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server}/s/sun-shop")
    cards = page.locator(".card")
    expect(cards).to_have_count(2)
    page.locator("#shop-q").fill("CAP")
    expect(page.locator(".card:visible")).to_have_count(1)
    expect(page.locator(".card:visible")).to_contain_text("Cap & hat #1")
    page.locator("#shop-q").fill("nothing like this")
    expect(page.locator(".card:visible")).to_have_count(0)
    expect(page.locator("[data-no-match]")).to_be_visible()
    page.locator("#shop-q").press("Enter")  # the server-side search agrees
    page.wait_for_url("**/s/sun-shop?q=nothing+like+this")
    expect(page.get_by_text("No products match your search.").first).to_be_visible()
    assert errors == []


def test_a_spanish_shopper_orders_in_euros(app, live_server, phone_context):
    shop = _shop(
        app,
        slug="tienda-sol",
        name="Tienda Sol",
        language="es",
        currency="EUR",
        whatsapp="+34612345678",
        shirt="Camiseta azul",
    )
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    _fill_the_cart(page, live_server, shop)
    expect(page.locator("[data-cart-subtotal]")).to_have_text("68,50\xa0€")
    _check_out(page, shop, "Ana Pérez", "Calle Mayor 1, Madrid", "")

    number, lines = whatsapp.decoded()
    order = _order(app, shop["id"])
    assert number == "34612345678"
    with app.test_request_context(), force_locale("es"):
        expected = [
            _("Hello %(shop)s, I would like to place this order:", shop="Tienda Sol"),
            "*" + _("Order #%(number)d", number=1) + "*",
            "3 x Camiseta azul - 60,00\xa0€",
            "1 x Cap & hat #1 - 8,50\xa0€",
            _("Shipping: %(method)s - %(amount)s", method="Home delivery", amount="3,00\xa0€"),
            "*" + _("Total: %(amount)s", amount="71,50\xa0€") + "*",
            _("Name: %(name)s", name="Ana Pérez"),
            _("Address: %(address)s", address="Calle Mayor 1, Madrid"),
            _("View order: %(url)s", url=f"{live_server}/o/{order.token}"),
        ]
    assert lines == expected
    if SPANISH_CATALOG.exists():
        assert lines[0] == "Hola Tienda Sol, quiero hacer este pedido:"
        assert lines[1] == "*Pedido #1*"


@pytest.fixture
def no_js_context(browser):
    context = browser.new_context(locale="es-ES", java_script_enabled=False, **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_without_javascript_one_product_can_be_ordered(app, live_server, no_js_context):
    shop = _shop(
        app,
        slug="sun-shop",
        name="Sun Shop",
        language="en",
        currency="USD",
        whatsapp="+12025550123",
    )
    whatsapp = WhatsApp(no_js_context)
    page = no_js_context.new_page()
    page.goto(f"{live_server}/s/sun-shop/p/{shop['shirt']}")
    expect(page.locator("[data-add-to-cart]")).to_be_hidden()
    expect(page.locator("[data-cart-link]")).to_be_hidden()
    page.locator("#quantity").fill("2")
    page.get_by_role("button", name="Order just this on WhatsApp").click()
    page.wait_for_url(f"**/s/sun-shop/p/{shop['shirt']}/order?quantity=2")

    # A mistake first: delivery without an address. The form comes back as typed.
    page.locator("#name").fill("Ana")
    page.locator(f"input[name=shipping_method_id][value='{shop['delivery']}']").check()
    page.get_by_role("button", name="Order on WhatsApp").click()
    expect(page.get_by_text("Write the address to deliver to.")).to_be_visible()
    expect(page.locator("#name")).to_have_value("Ana")
    assert whatsapp.urls == []

    page.locator("#address").fill("12 Main St")
    page.get_by_role("button", name="Order on WhatsApp").click()
    page.wait_for_url("https://wa.me/**")
    number, lines = whatsapp.decoded()
    order = _order(app, shop["id"])
    assert number == "12025550123"
    assert lines == [
        "Hello Sun Shop, I would like to place this order:",
        "*Order #1*",
        "2 x Blue shirt - $40.00",
        "Shipping: Home delivery - $3.00",
        "*Total: $43.00*",
        "Name: Ana",
        "Address: 12 Main St",
        f"View order: {live_server}/o/{order.token}",
    ]


def test_a_shopper_is_told_when_an_item_sold_out_meanwhile(app, live_server, phone_context):
    shop = _shop(
        app,
        slug="sun-shop",
        name="Sun Shop",
        language="en",
        currency="USD",
        whatsapp="+12025550123",
    )
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/sun-shop")
    page.locator(f"[data-add][data-item-id='{shop['shirt']}']").click()
    page.locator(f"[data-add][data-item-id='{shop['cap']}']").click()
    page.locator("[data-cart-link]").click()
    expect(page.locator(".cart-line")).to_have_count(2)
    with app.app_context():
        from shop.models import Item

        db.session.get(Item, shop["cap"]).availability = "sold_out"
        db.session.commit()
    page.locator("#name").fill("Ana")
    page.locator("input[name=shipping_method_id]").nth(1).check()  # pickup
    page.locator("[data-order-button]").click()
    problem = page.locator(f".cart-line[data-item-id='{shop['cap']}'] [data-line-problem]")
    expect(problem).to_contain_text("sold out")
    expect(page.locator("[data-checkout-error]")).to_contain_text("sold out")
    assert whatsapp.urls == []
    expect(page.locator(".cart-line")).to_have_count(2)  # the cart is intact to fix it
    page.locator(f".cart-line[data-item-id='{shop['cap']}'] [data-line-remove]").click()
    page.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")
    _number, lines = whatsapp.decoded()
    assert "1 x Blue shirt - $20.00" in lines
    assert "Shipping: Pickup - free" in lines  # a zero price reads "free" (issue 7)


MONEY_CASES = [
    ("en", "USD", "+12025550123"),
    ("es", "EUR", "+34612345678"),
    ("en", "EUR", "+34612345678"),
    ("es", "CLP", "+56912345678"),
    ("es", "MXN", "+5215512345678"),
    ("en", "INR", "+919812345678"),
    ("en", "KWD", "+96550012345"),
    ("en", "JPY", "+81312345678"),
    ("es", "COP", "+573001234567"),
]


@pytest.mark.parametrize(("language", "currency", "number"), MONEY_CASES)
def test_the_cart_writes_amounts_exactly_as_the_server(
    app, live_server, page, language, currency, number
):
    from shop.lib.locales import regional_locale
    from shop.lib.money import format_money, iso_exponent

    with app.app_context():
        factories.make_shop(
            factories.make_user(),
            slug="money",
            language=language,
            currency=currency,
            whatsapp=number,
        )
        db.session.commit()
    page.goto(f"{live_server}/s/money/cart")
    amounts = [0, 1, 5, 99, 100, 1001, 123456, 123400, 1234567891, 10**13]
    written = page.evaluate("(amounts) => amounts.map((a) => window.VitrinaCart.money(a))", amounts)
    locale = regional_locale(language, number)
    exponent = iso_exponent(currency)
    assert written == [format_money(amount, currency, exponent, locale) for amount in amounts]
