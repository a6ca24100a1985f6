"""A Brazilian shopper on a phone: a pt_BR shop in reais, from the cart to WhatsApp,
every word in Portuguese."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from shop.extensions import db
from shop.lib.brcode import fields
from shop.models import Shop
from shop.ordering import payments
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
