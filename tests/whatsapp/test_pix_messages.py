"""Messages about an order paid by Pix point to the page with the code, never the raw
key-and-city details."""

from __future__ import annotations

from shop.extensions import db
from shop.whatsapp.message import order_message
from shop.whatsapp.updates import update_message
from tests import factories

URL = "https://vitrina.example/o/abc"


def _order(app, **fields):
    shop = factories.make_shop(
        factories.make_user(), currency="BRL", language="pt_BR", whatsapp="+5511912345678"
    )
    values = {"payment_kind": "pix", "payment_name": "Pix", "payment_details": "12345678909\nRio"}
    return shop, factories.make_order(shop, **(values | fields))


def test_the_order_message_names_pix_and_the_link(app):
    with app.test_request_context():
        shop, order = _order(app)
        lines = order_message(order, shop, URL).split("\n")
        db.session.rollback()
    assert "Pagamento: Pix" in lines
    assert lines[-1] == f"Código Pix e pedido: {URL}"
    assert "Ver pedido" not in "\n".join(lines)


def test_the_confirmation_points_to_the_code_not_the_key(app):
    with app.test_request_context():
        shop, order = _order(app)
        text = update_message(order, shop, "confirmed", URL)
        db.session.rollback()
    assert text.endswith(
        f"O código Pix com o valor exato está na página do seu pedido:\nSeu pedido: {URL}"
    )
    assert "12345678909" not in text


def test_other_payments_keep_their_details(app):
    with app.test_request_context():
        shop, order = _order(app, payment_kind="bank_transfer", payment_details="Itaú ag 1")
        text = update_message(order, shop, "confirmed", URL)
        message = order_message(order, shop, URL)
        db.session.rollback()
    assert "Itaú ag 1" in text
    assert message.endswith(f"Ver pedido: {URL}")
