"""A Brazilian shop paid by Pix, through checkout: the order page carries the code with
the order's exact total, its QR and a copy button, and the WhatsApp message says where."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.lib.brcode import crc16, fields
from shop.models import Order, Shop
from shop.ordering import payments
from tests.storefront.shopper import build_shop, orders, post_cart


@pytest.fixture
def ids(app):
    ids = build_shop(
        app, currency="BRL", language="pt_BR", whatsapp="+5511912345678", name="Loja Sol"
    )
    with app.test_request_context():
        shop = db.session.get(Shop, ids.shop)
        pix = payments.create_method(
            shop, kind="pix", name="Pix", details="12.ABC.345/01DE-35", city="São Paulo"
        )
        cash = payments.create_method(shop, kind="cash", name="Dinheiro", details="")
        db.session.commit()
        return ids, pix.id, cash.id


def _place(client, ids, method_id):
    answer = post_cart(client, ids, payment_method_id=method_id).get_json()
    page = client.get(answer["order_url"].removeprefix("http://localhost"))
    assert page.status_code == 200
    return answer, page.get_data(as_text=True)


def _code(html: str) -> str:
    match = re.search(r'<textarea id="pix-code"[^>]*>([^<]*)</textarea>', html)
    return html_lib.unescape(match.group(1))


def test_the_order_page_shows_the_pix_code_for_the_exact_total(app, client, ids):
    ids, pix, _cash = ids
    _answer, html = _place(client, ids, pix)
    (order,) = orders(app, ids.shop)
    code = _code(html)
    top = fields(code)
    assert order.total_minor == 5150  # 2 x 20,00 + 8,50 + 3,00
    assert top["54"] == "51.50"
    assert fields(top["26"]) == {"00": "br.gov.bcb.pix", "01": "12ABC34501DE35"}
    assert (top["59"], top["60"]) == ("Loja Sol", "Sao Paulo")
    assert fields(top["62"]) == {"05": str(order.number)}
    assert top["63"] == crc16(code[:-4])
    assert "Pague R$\xa051,50 com Pix" in html
    assert f'data-copy="{html_lib.escape(code)}"' in html  # the copy button carries it
    assert "Copiar o código Pix" in html
    assert re.search(r'<figure class="pix-qr"[^>]*><svg', html)
    assert "Chave Pix: 12ABC34501DE35" in html


def test_the_whatsapp_message_says_the_pix_code_is_at_the_order_link(client, ids):
    ids, pix, _cash = ids
    answer = post_cart(client, ids, payment_method_id=pix).get_json()
    text = parse_qs(urlsplit(answer["whatsapp_url"]).query)["text"][0]
    assert "Pagamento: Pix" in text
    assert f"Código Pix e pedido: {answer['order_url']}" in text


def test_an_order_paid_otherwise_has_no_pix_code(client, ids):
    ids, _pix, cash = ids
    answer, html = _place(client, ids, cash)
    assert "pix-code" not in html
    assert "Código Pix e pedido" not in answer["whatsapp_url"]


def test_a_shop_that_left_reais_still_shows_old_pix_orders_their_key(app, client, ids):
    ids, pix, _cash = ids
    answer = post_cart(client, ids, payment_method_id=pix).get_json()
    with app.app_context():
        order = db.session.scalars(select(Order).where(Order.shop_id == ids.shop)).one()
        order.currency = "EUR"  # as if the order had been placed in another currency
        db.session.commit()
    html = client.get(answer["order_url"].removeprefix("http://localhost")).get_data(as_text=True)
    assert "pix-code" not in html
    assert "Chave Pix: 12ABC34501DE35" in html
