"""Issue 15's tap counts, on the demo shop (two shipping methods) at 360x740 with touch.

A tap is what tests/browser/taps.py counts (a pointer down on a control or a field);
typing is not one. Each case ends at the wa.me link, decoded and checked line by line.
Before issue 15 one product with pickup took 5 taps and two with delivery 7.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shop.dev.demo import ensure_demo_shop
from shop.extensions import db
from shop.models import Item, Order, PhonePolicy, ShippingMethod, Shop
from tests.browser.taps import TapCounter
from tests.browser.test_shopping import WhatsApp

ESPRESSO = "Lámina Espresso (A4)"
DALIA = "Lámina Dalia naranja (A4)"


@pytest.fixture
def demo(app):
    with app.app_context():
        shop = ensure_demo_shop()
        db.session.commit()
        items = {item.name: item.id for item in db.session.scalars(select(Item))}
        methods = {m.needs_address: m.id for m in db.session.scalars(select(ShippingMethod))}
        return {
            "slug": shop.slug,
            "id": shop.id,
            "espresso": items[ESPRESSO],
            "dalia": items[DALIA],
            "pickup": methods[False],
            "delivery": methods[True],
        }


@pytest.fixture
def shopper(phone_context):
    """A phone with touch, its taps counted and wa.me stood in for."""
    taps = TapCounter(phone_context)
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page, taps, whatsapp
    assert errors == []


def _orders(app, shop_id: int) -> list[Order]:
    with app.app_context():
        found = db.session.scalars(select(Order).where(Order.shop_id == shop_id)).all()
        db.session.expunge_all()
        return list(found)


def _add(page, item_id: int) -> None:
    page.locator(f"[data-add][data-item-id='{item_id}']").tap()


def _open_checkout(page) -> None:
    bar = page.locator("[data-cart-bar]")
    expect(bar).to_be_visible()
    expect(page.locator("[data-cart-bar][data-sheet=ready]")).to_have_count(1)
    bar.tap()
    expect(page.locator("dialog.sheet [data-checkout]")).to_be_visible()


def _order(page, whatsapp) -> list[str]:
    page.locator("dialog.sheet [data-order-button]").click()  # counted like a tap
    page.wait_for_url("https://wa.me/**")
    number, lines = whatsapp.decoded()
    assert number == "34612345678"
    whatsapp.urls.clear()
    return lines


def _one_with_pickup_first_time(page, demo, whatsapp) -> list[str]:
    _add(page, demo["espresso"])
    _open_checkout(page)
    expect(page.locator("#name")).to_be_focused()  # the keyboard is up: no tap to type
    page.keyboard.type("Ana María 🌻")
    page.locator(f"label:has(input[value='{demo['pickup']}'])").tap()
    expect(page.locator("[data-address-field]")).to_be_hidden()
    return _order(page, whatsapp)


def _save_details_on_the_order_page(page, live_server, app, demo) -> None:
    page.go_back()
    (order,) = _orders(app, demo["id"])[-1:]
    page.wait_for_url(f"{live_server}/o/{order.token}")
    page.locator("[data-save-details]").tap()
    expect(page.locator("[data-details-saved]")).to_be_visible()


def test_one_product_with_pickup_first_time_then_returning(app, live_server, demo, shopper):
    page, taps, whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    lines = _one_with_pickup_first_time(page, demo, whatsapp)
    assert taps.count <= 4, taps.log
    first = taps.count
    (order,) = _orders(app, demo["id"])
    assert lines == [
        "Hola Tienda Sol, quiero hacer este pedido:",
        "*Pedido #1*",
        "1 x Lámina Espresso (A4) - 15,00\xa0€",
        "Envío: Recogida en la tienda (Valencia) - gratis",
        "*Total: 15,00\xa0€*",
        "Nombre: Ana María 🌻",
        f"Ver pedido: {live_server}/o/{order.token}",
    ]

    _save_details_on_the_order_page(page, live_server, app, demo)
    taps.log.clear()
    page.goto(f"{live_server}/s/demo")  # another day, the same phone
    _add(page, demo["espresso"])
    _open_checkout(page)
    expect(page.locator("#name")).to_have_value("Ana María 🌻")
    lines = _order(page, whatsapp)
    assert taps.count <= 3, taps.log
    assert lines[1] == "*Pedido #2*"
    assert "Nombre: Ana María 🌻" in lines
    print(f"\ntaps: one product, pickup: first time {first}, returning {taps.count}")


def test_two_products_with_delivery_first_time_then_returning(app, live_server, demo, shopper):
    page, taps, whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    _add(page, demo["espresso"])
    _add(page, demo["dalia"])
    _open_checkout(page)
    page.keyboard.type("Luis")
    page.locator(f"label:has(input[value='{demo['delivery']}'])").tap()
    page.locator("#address").tap()
    page.keyboard.type("Calle Mayor 1, 3º B\nValencia")
    lines = _order(page, whatsapp)
    assert taps.count <= 6, taps.log
    first = taps.count
    (order,) = _orders(app, demo["id"])
    assert lines == [
        "Hola Tienda Sol, quiero hacer este pedido:",
        "*Pedido #1*",
        "1 x Lámina Espresso (A4) - 15,00\xa0€",
        "1 x Lámina Dalia naranja (A4) - 15,00\xa0€",
        "Envío: Envío a domicilio (24-48 h) - 4,90\xa0€",
        "*Total: 34,90\xa0€*",
        "Nombre: Luis",
        "Dirección: Calle Mayor 1, 3º B",
        "Valencia",
        f"Ver pedido: {live_server}/o/{order.token}",
    ]

    _save_details_on_the_order_page(page, live_server, app, demo)
    taps.log.clear()
    page.goto(f"{live_server}/s/demo")
    _add(page, demo["espresso"])
    _add(page, demo["dalia"])
    _open_checkout(page)
    lines = _order(page, whatsapp)
    assert taps.count <= 4, taps.log
    assert lines[1:3] == ["*Pedido #2*", "1 x Lámina Espresso (A4) - 15,00\xa0€"]
    assert lines[-4:-1] == ["Nombre: Luis", "Dirección: Calle Mayor 1, 3º B", "Valencia"]
    print(f"\ntaps: two products, delivery: first time {first}, returning {taps.count}")


def test_reload_keeps_what_was_typed_in_the_cart(live_server, demo, shopper):
    page, _taps, _whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    _add(page, demo["espresso"])
    page.goto(f"{live_server}/s/demo/cart")
    page.locator("#name").fill("Zoë O'Neil")
    page.locator(f"label:has(input[value='{demo['delivery']}'])").tap()
    page.locator("#address").fill("Rúa Nova 7\n2º")
    page.locator("#notes").fill("Llamar al timbre 🔔")
    page.reload()
    expect(page.locator("#name")).to_have_value("Zoë O'Neil")
    expect(page.locator(f"input[value='{demo['delivery']}']")).to_be_checked()
    expect(page.locator("#address")).to_have_value("Rúa Nova 7\n2º")
    expect(page.locator("#notes")).to_have_value("Llamar al timbre 🔔")


def test_saved_details_stay_on_the_phone_until_an_order_and_can_be_forgotten(
    app, live_server, demo, shopper
):
    page, _taps, whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    _one_with_pickup_first_time(page, demo, whatsapp)
    page.go_back()
    expect(page.locator("[data-save-details]")).to_be_visible()  # offered, not done
    key = f"vitrina:details:{demo['id']}"
    assert page.evaluate(f"localStorage.getItem('{key}')") is None
    page.locator("[data-save-details]").tap()
    expect(page.locator("[data-details-saved]")).to_be_visible()

    sent = []
    page.on("request", lambda request: sent.append((request.url, request.post_data or "")))
    page.goto(f"{live_server}/s/demo")
    _add(page, demo["dalia"])
    _open_checkout(page)
    expect(page.locator("#name")).to_have_value("Ana María 🌻")
    assert not [url for url, body in sent if "Ana" in body or "Ana" in url]  # not sent yet
    page.locator("dialog.sheet [data-forget]").tap()
    expect(page.locator("#name")).to_have_value("")
    expect(page.locator("#name")).to_be_focused()
    assert page.evaluate(f"localStorage.getItem('{key}')") is None
    page.reload()
    page.goto(f"{live_server}/s/demo/cart")
    expect(page.locator("#name")).to_have_value("")
    expect(page.locator("button[data-forget]")).to_have_count(0)
    assert len(_orders(app, demo["id"])) == 1


def test_back_after_ordering_from_the_sheet_leads_to_the_order_not_a_second_one(
    app, live_server, demo, shopper
):
    page, _taps, whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    _one_with_pickup_first_time(page, demo, whatsapp)
    (order,) = _orders(app, demo["id"])
    page.go_back()
    page.wait_for_url(f"{live_server}/o/{order.token}")
    expect(page.get_by_role("link", name="Abrir WhatsApp")).to_be_visible()
    page.reload()  # a reload is the order page again, not a resubmission
    page.goto(f"{live_server}/s/demo")
    expect(page.locator("[data-cart-bar]")).to_be_hidden()  # the cart was emptied
    assert len(_orders(app, demo["id"])) == 1


def test_an_added_card_becomes_a_stepper_and_the_bar_follows(live_server, demo, shopper):
    page, _taps, _whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    bar = page.locator("[data-cart-bar]")
    expect(bar).to_be_hidden()
    _add(page, demo["espresso"])
    expect(page.locator("[data-cart-announce]")).to_have_text(
        "Lámina Espresso (A4) añadido. 1 en tu carrito."
    )
    stepper = page.locator(f"[data-card-stepper][data-item-id='{demo['espresso']}']")
    expect(stepper.locator("output")).to_have_text("1")
    expect(page.locator(f"[data-add][data-item-id='{demo['espresso']}']")).to_be_hidden()
    stepper.get_by_role("button", name="Uno más").tap()
    expect(stepper.locator("output")).to_have_text("2")
    expect(bar).to_contain_text("2 productos")
    expect(bar).to_contain_text("30,00\xa0€")
    page.reload()  # the cart is in the browser: the stepper and the bar come back
    expect(stepper.locator("output")).to_have_text("2")
    stepper.get_by_role("button", name="Uno menos").tap()
    stepper.get_by_role("button", name="Uno menos").tap()
    expect(page.locator(f"[data-add][data-item-id='{demo['espresso']}']")).to_be_visible()
    expect(bar).to_be_hidden()


def test_a_required_whatsapp_number_costs_one_tap_more(app, live_server, demo, shopper):
    """Issue 17: a shop that requires the shopper's number; an optional one costs nothing
    (the cases above run with the default, optional, and keep their counts)."""
    from shop.models import PhonePolicy, Shop

    with app.app_context():
        db.session.get(Shop, demo["id"]).ask_phone = PhonePolicy.REQUIRED
        db.session.commit()
    page, taps, whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    _add(page, demo["espresso"])
    _open_checkout(page)
    expect(page.locator("#name")).to_be_focused()
    page.keyboard.type("Ana")
    page.locator("#phone").tap()
    page.keyboard.type("612 34 56 78")
    page.locator(f"label:has(input[value='{demo['pickup']}'])").tap()
    _order(page, whatsapp)
    assert taps.count <= 5, taps.log
    (order,) = _orders(app, demo["id"])
    assert order.customer_phone == "+34612345678"
    print(f"\ntaps: one product, pickup, number required: first time {taps.count}")


def test_a_returning_shopper_finds_the_number_a_shop_requires_already_filled(
    app, live_server, demo, shopper
):
    """Issue 17: a shop that requires the shopper's number costs one tap the first time
    (the field); saved with the details, it costs nothing the next time."""
    with app.app_context():
        shop = db.session.get(Shop, demo["id"])
        shop.ask_phone = PhonePolicy.REQUIRED
        db.session.commit()
    page, taps, whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    _add(page, demo["espresso"])
    _open_checkout(page)
    page.keyboard.type("Ana María 🌻")
    page.locator("dialog.sheet #phone").tap()
    page.keyboard.type("600 11 22 33")
    page.locator(f"label:has(input[value='{demo['pickup']}'])").tap()
    lines = _order(page, whatsapp)
    assert taps.count <= 5, taps.log
    (order,) = _orders(app, demo["id"])
    assert order.customer_phone == "+34600112233"

    _save_details_on_the_order_page(page, live_server, app, demo)
    taps.log.clear()
    page.goto(f"{live_server}/s/demo")
    _add(page, demo["espresso"])
    _open_checkout(page)
    expect(page.locator("dialog.sheet #phone")).to_have_value("+34600112233")
    lines = _order(page, whatsapp)
    assert taps.count <= 3, taps.log
    assert lines[1] == "*Pedido #2*"
    assert _orders(app, demo["id"])[-1].customer_phone == "+34600112233"


def test_a_typed_code_costs_one_tap(app, live_server, demo, shopper):
    """Issue 24: the code field is one tap (typing is not one); the order button sends
    the typed code, so no Apply tap is needed, and the message carries the discount."""
    from shop.ordering.coupon_edits import save_discount

    with app.app_context():
        shop = db.session.get(Shop, demo["id"])
        save_discount(shop, None, code="HOLA10", name="", kind="percent", value=1000)
        db.session.commit()
    page, taps, whatsapp = shopper
    page.goto(f"{live_server}/s/demo")
    _add(page, demo["espresso"])
    _open_checkout(page)
    expect(page.locator("#name")).to_be_focused()
    page.keyboard.type("Ana María 🌻")
    page.locator(f"label:has(input[value='{demo['pickup']}'])").tap()
    page.locator("#coupon").tap()
    page.keyboard.type("hola10")
    lines = _order(page, whatsapp)
    assert taps.count <= 5, taps.log  # one product with pickup, first time: 4, plus the code
    (order,) = _orders(app, demo["id"])
    assert (order.discount_code, order.discount_minor, order.total_minor) == ("HOLA10", 150, 1350)
    assert lines == [
        "Hola Tienda Sol, quiero hacer este pedido:",
        "*Pedido #1*",
        "1 x Lámina Espresso (A4) - 15,00\xa0€",
        "Envío: Recogida en la tienda (Valencia) - gratis",
        "Descuento HOLA10: -1,50\xa0€",
        "*Total: 13,50\xa0€*",
        "Nombre: Ana María 🌻",
        f"Ver pedido: {live_server}/o/{order.token}",
    ]
