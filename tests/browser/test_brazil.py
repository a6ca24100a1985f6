"""A Brazilian shopper on a phone: a pt_BR shop in reais, from the cart to WhatsApp,
every word in Portuguese."""

from __future__ import annotations

import io
import uuid

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from shop import ordering
from shop.extensions import db
from shop.lib.brcode import fields
from shop.models import Order, Shop
from shop.ordering import Customer, edits, payments
from tests.browser.conftest import PHONE
from tests.browser.test_shopping import WhatsApp, _check_out, _fill_the_cart, _order, _shop

NBSP = "\xa0"


@pytest.fixture
def brazilian_phone(browser):
    context = browser.new_context(locale="pt-BR", **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_a_brazilian_shopper_orders_in_portuguese_and_reais(app, live_server, brazilian_phone):
    shop = _shop(
        app,
        slug="loja-sol",
        name="Loja Sol",
        language="pt_BR",
        currency="BRL",
        whatsapp="+5511912345678",
        shirt="Camiseta azul",
    )
    whatsapp = WhatsApp(brazilian_phone)
    page = brazilian_phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server}/s/loja-sol")
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(page.locator("[data-cart-link]")).to_have_attribute("href", "/s/loja-sol/cart")
    expect(page.get_by_role("link", name="Español")).to_be_hidden()
    page.locator("summary.shop-language").click()  # the other languages, in a menu
    expect(page.get_by_role("link", name="Español")).to_have_attribute("hreflang", "es")
    expect(page.get_by_role("link", name="English")).to_be_visible()
    page.locator("summary.shop-language").click()
    _fill_the_cart(page, live_server, shop)
    expect(page.locator("[data-cart-subtotal]")).to_have_text(f"R${NBSP}68,50")
    expect(page.get_by_text("Como você quer receber?")).to_be_visible()
    expect(page.locator("#address")).to_have_attribute(
        "placeholder", "Rua e número, bairro, CEP, cidade"
    )
    expect(page.locator("[data-order-button]")).to_have_text("Pedir pelo WhatsApp")
    _check_out(page, shop, "João Araújo", "Rua Augusta, 500 - CEP 01305-000, São Paulo", "")

    number, lines = whatsapp.decoded()
    order = _order(app, shop["id"])
    assert number == "5511912345678"
    assert lines == [
        "Olá, Loja Sol, eu gostaria de fazer este pedido:",
        "*Pedido nº 1*",
        f"3 x Camiseta azul - R${NBSP}60,00",
        f"1 x Cap & hat #1 - R${NBSP}8,50",
        f"Entrega: Home delivery - R${NBSP}3,00",
        f"*Total: R${NBSP}71,50*",
        "Nome: João Araújo",
        "Endereço: Rua Augusta, 500 - CEP 01305-000, São Paulo",
        f"Ver pedido: {live_server}/o/{order.token}",
    ]
    assert order.language == "pt_BR"
    page.go_back()
    page.wait_for_url(f"{live_server}/o/{order.token}")
    expect(page.get_by_role("link", name="Abrir o WhatsApp")).to_be_visible()
    expect(page.get_by_text(f"R${NBSP}71,50").first).to_be_visible()
    assert errors == []


def test_a_brazilian_shopper_pays_the_exact_total_with_pix(app, live_server, brazilian_phone):
    """The order page's QR, as Chromium draws it, decodes (zxing-cpp, not our code) to
    the code in the text box and on the copy button, with the order's total."""
    shop = _shop(
        app,
        slug="loja-pix",
        name="Açaí da Vó",
        language="pt_BR",
        currency="BRL",
        whatsapp="+5511912345678",
        shirt="Camiseta azul",
    )
    with app.test_request_context():
        pix = payments.create_method(
            db.session.get(Shop, shop["id"]),
            kind="pix",
            name="Pix",
            details="12.ABC.345/01DE-35",
            city="São Paulo",
        )
        db.session.commit()
        pix_id = pix.id
    brazilian_phone.grant_permissions(["clipboard-read", "clipboard-write"])
    whatsapp = WhatsApp(brazilian_phone)
    page = brazilian_phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    _fill_the_cart(page, live_server, shop)
    page.locator(f"input[name=payment_method_id][value='{pix_id}']").check()
    _check_out(page, shop, "João", "Rua Augusta, 500 - CEP 01305-000", "")

    _number, lines = whatsapp.decoded()
    order = _order(app, shop["id"])
    assert lines[-1] == f"Código Pix e pedido: {live_server}/o/{order.token}"
    assert "Pagamento: Pix" in lines
    page.go_back()
    page.wait_for_url(f"{live_server}/o/{order.token}")
    expect(page.get_by_text(f"Pague R${NBSP}71,50 com Pix")).to_be_visible()
    code = page.locator("#pix-code").input_value()
    top = fields(code)
    assert (top["54"], top["59"], top["60"]) == ("71.50", "Acai da Vo", "Sao Paulo")
    assert fields(top["62"]) == {"05": str(order.number)}

    qr = page.locator("[data-pix-qr]")
    qr.scroll_into_view_if_needed()
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert found.text == code

    page.get_by_role("button", name="Copiar o código Pix").click()
    expect(page.locator("[data-pix] [data-copy-status]")).to_have_text(
        "Código Pix copiado. Cole-o no app do seu banco."
    )
    assert page.evaluate("navigator.clipboard.readText()") == code
    assert errors == []


def test_the_pix_code_comes_first_and_follows_the_shops_change(app, live_server, brazilian_phone):
    """On a phone the Pix block is the next thing after sending the message, above the
    order's progress; when the shop changes the order, the open page's QR, code and copy
    button hold the new total (a stale code would have the shopper pay the old one)."""
    shop = _shop(app, slug="loja-pix-2", name="Pão & Café", language="pt_BR",
                 currency="BRL", whatsapp="+5511912345678")  # fmt: skip
    with app.test_request_context():
        row = db.session.get(Shop, shop["id"])
        pix = payments.create_method(
            row, kind="pix", name="Pix", details="12.ABC.345/01DE-35", city="São Paulo"
        )
        db.session.flush()
        order, _ = ordering.checkout(
            row,
            [(shop["cap"], 1)],
            shipping_method_id=shop["delivery"],
            customer=Customer(name="Zoë 🌻", address="Rua Augusta, 500"),
            idempotency_key=str(uuid.uuid4()),
            payment_method_id=pix.id,
        )
        db.session.commit()
        order_id, token, cap_line = order.id, order.token, order.lines[0].id
    brazilian_phone.grant_permissions(["clipboard-read", "clipboard-write"])
    page = brazilian_phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{live_server}/o/{token}")
    pix_block = page.locator("[data-pix]")
    expect(page.get_by_text(f"Pague R${NBSP}11,50 com Pix")).to_be_visible()
    screen = page.viewport_size["height"]
    assert pix_block.bounding_box()["y"] < screen  # in the first screen, no scrolling
    assert pix_block.bounding_box()["y"] < page.locator("[data-follow]").bounding_box()["y"]
    old_code = page.locator("#pix-code").input_value()
    assert fields(old_code)["54"] == "11.50"

    with app.test_request_context():
        placed = db.session.get(Order, order_id)
        edits.edit_order(placed, edits.Edit(quantities={cap_line: 3}), seen_version=placed.version)
        db.session.commit()
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.get_by_text(f"Pague R${NBSP}28,50 com Pix")).to_be_visible()
    new_code = page.locator("#pix-code").input_value()
    assert fields(new_code)["54"] == "28.50"
    page.get_by_role("button", name="Copiar o código Pix").click()
    expect(page.locator("[data-pix] [data-copy-status]")).to_have_text(
        "Código Pix copiado. Cole-o no app do seu banco."
    )
    assert page.evaluate("navigator.clipboard.readText()") == new_code
    assert errors == []
