"""Sizes, colours and extras in Chromium: chosen on the product page, carried through
the cart to the order and the WhatsApp message; a sold-out combination cannot be
chosen, and a cart that still holds one is told so at checkout and kept.
"""

from __future__ import annotations

import json

from playwright.sync_api import expect

from shop.extensions import db
from shop.models import Item
from tests import factories
from tests.browser.test_shopping import WhatsApp, _order
from tests.storefront.options_shop import build_options_shop

EURO = "\xa0€"
SOLD_OUT = "Agotado. Quítalo para hacer el pedido."


def _choose(page, *labels: str) -> None:
    """Tick the choices whose names are `labels` (radios and check boxes alike)."""
    for label in labels:
        name = page.locator(f"[data-choice-name]:text-is('{label}')")
        page.locator("label.check", has=name).click()


def _sell_out(app, item_id: int, choice_ids: list[int]) -> None:
    """The combination of `choice_ids` has no units left."""
    with app.app_context():
        item = db.session.get(Item, item_id)
        choices = {c.id: c for g in item.option_groups for c in g.choices}
        factories.set_variant_stock(item, [choices[i] for i in choice_ids], 0)
        db.session.commit()


def _fill_in_and_send(page, ids) -> None:
    page.locator("#name").fill("Ana Pérez")
    page.locator(f"input[name=shipping_method_id][value='{ids.delivery}']").check()
    page.locator("#address").fill("Calle Mayor 1, Madrid")
    page.locator("[data-order-button]").click()


def test_a_shopper_orders_a_shirt_in_two_sizes_with_an_extra(app, live_server, phone_context):
    ids = build_options_shop(app)
    whatsapp = WhatsApp(phone_context)
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server}/s/{ids.slug}/p/{ids.shirt}")
    price = page.locator(".product-price .price-now")
    expect(price).to_have_text("20,00" + EURO)
    status = page.locator("[data-cart-status]")
    # Nothing chosen yet: the required size is asked for, and nothing is added.
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-options-problem]")).to_have_text("Elige Talla.")
    expect(page.locator("[data-cart-count]")).to_have_text("0")

    _choose(page, "M", "azul", "Estampado")
    expect(price).to_have_text("25,00" + EURO)
    page.locator("input[name=quantity]").fill("2")
    page.locator("[data-add-to-cart]").click()
    expect(status).to_contain_text("Se agregó a tu carrito.")
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    _choose(page, "L", "rojo", "Estampado")  # the extra again: off
    expect(price).to_have_text("22,00" + EURO)
    page.locator("input[name=quantity]").fill("1")
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("3")

    page.locator("[data-cart-link]").click()
    lines = page.locator(".cart-line")
    expect(lines).to_have_count(2)
    expect(lines.nth(0).locator("[data-line-options]")).to_have_text(
        "Talla: M, Color: azul, Extras: Estampado"
    )
    expect(lines.nth(0).locator("[data-line-total]")).to_have_text("50,00" + EURO)
    expect(lines.nth(1).locator("[data-line-options]")).to_have_text("Talla: L, Color: rojo")
    expect(page.locator("[data-cart-subtotal]")).to_have_text("72,00" + EURO)
    _fill_in_and_send(page, ids)
    page.wait_for_url("https://wa.me/**")

    _, text = whatsapp.decoded()
    assert "2 x Camiseta (Talla: M, Color: azul, Extras: Estampado) - 50,00" + EURO in text
    assert "1 x Camiseta (Talla: L, Color: rojo) - 22,00" + EURO in text
    order = _order(app, ids.shop)
    assert [(line.options_text, line.quantity, line.unit_price_minor) for line in order.lines] == [
        ("Talla: M, Color: azul, Extras: Estampado", 2, 2500),
        ("Talla: L, Color: rojo", 1, 2200),
    ]
    assert [o["choice_id"] for o in order.lines[0].options] == [ids.m, ids.blue, ids.print_]
    assert errors == []


def test_a_sold_out_combination_cannot_be_chosen(app, live_server, phone_context):
    ids = build_options_shop(app)
    _sell_out(app, ids.shirt, [ids.m, ids.red])
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server}/s/{ids.slug}/p/{ids.shirt}")
    red = page.locator(f"[data-options] input[value='{ids.red}']")
    expect(red).to_be_enabled()  # no size yet: red is still possible in S or L
    _choose(page, "rojo")
    expect(page.locator(f"[data-options] input[value='{ids.m}']")).to_be_disabled()
    expect(page.locator(f"[data-options] input[value='{ids.s}']")).to_be_enabled()
    _choose(page, "azul", "M")
    expect(red).to_be_disabled()
    expect(red.locator("xpath=..")).to_have_class("check is-sold-out")
    _choose(page, "S")
    expect(red).to_be_enabled()
    assert errors == []


def test_a_stale_cart_with_a_sold_out_combination_is_told_at_checkout_and_kept(
    app, live_server, phone_context
):
    ids = build_options_shop(app)
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server}/s/{ids.slug}/p/{ids.shirt}")
    _choose(page, "M", "rojo")
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    page.goto(f"{live_server}/s/{ids.slug}/p/{ids.plain}")
    page.locator("[data-add-to-cart]").click()
    expect(page.locator("[data-cart-count]")).to_have_text("2")

    # Someone else buys the last red M while this cart waits.
    _sell_out(app, ids.shirt, [ids.m, ids.red])
    page.locator("[data-cart-link]").click()
    shirt = page.locator(f".cart-line[data-item-id='{ids.shirt}']")
    expect(shirt.locator("[data-line-problem]")).to_have_text(SOLD_OUT)
    _fill_in_and_send(page, ids)
    error = page.locator("[data-checkout-error]")
    expect(error).to_contain_text("“Camiseta (Talla: M, Color: rojo)” está agotado")
    expect(page).to_have_url(f"{live_server}/s/{ids.slug}/cart")
    stored = json.loads(page.evaluate(f"localStorage.getItem('vitrina:cart:{ids.shop}')"))
    assert [(line["id"], sorted(line["choices"])) for line in stored["lines"]] == [
        (ids.shirt, sorted([ids.m, ids.red])),
        (ids.plain, []),
    ]
    # Removing the sold-out line lets the rest go through.
    shirt.locator("[data-line-remove]").click()
    whatsapp = WhatsApp(phone_context)
    page.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")
    assert "1 x Gorra - 8,50" + EURO in whatsapp.decoded()[1]
    assert errors == []


def test_a_cart_put_together_by_hand_with_a_sold_out_combination_is_refused(
    app, live_server, phone_context
):
    """The cart as cart.js stores it, written straight into localStorage."""
    ids = build_options_shop(app)
    _sell_out(app, ids.shirt, [ids.s, ids.blue])
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/{ids.slug}")
    cart = {
        "key": "0b7c1d9e-5a4f-4c2b-9e8d-7f6a5b4c3d2e",
        "lines": [{"id": ids.shirt, "qty": 1, "choices": [ids.blue, ids.s], "name": "Camiseta"}],
    }
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"vitrina:cart:{ids.shop}", json.dumps(cart)],
    )
    page.goto(f"{live_server}/s/{ids.slug}/cart")
    line = page.locator(".cart-line")
    expect(line.locator("[data-line-options]")).to_have_text("Talla: S, Color: azul")
    expect(line.locator("[data-line-problem]")).to_have_text(SOLD_OUT)
    _fill_in_and_send(page, ids)
    expect(page.locator("[data-checkout-error]")).to_contain_text(
        "“Camiseta (Talla: S, Color: azul)” está agotado"
    )
    expect(line).to_have_count(1)
