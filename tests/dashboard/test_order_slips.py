"""Order slips through the real stack: what a slip carries, several at once, and only
this shop's orders."""

from __future__ import annotations

from html import escape

import pytest
import segno

from shop.extensions import db
from shop.models import Shop
from tests import factories


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _order(app, shop_id, **fields) -> tuple[int, str, int]:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        order = factories.make_order(
            shop,
            [("Pizza 🍕", 1200, 2), ("Agua", 150, 1)],
            customer_name="Zoë",
            customer_phone="+34612345678",
            customer_notes="Sin cebolla, por favor",
            payment_name="Bizum",
            **fields,
        )
        order.lines[0].options_text = "Tamaño: grande, Masa: fina"
        order.lines[0].code = "PZ-1"
        db.session.commit()
        return order.id, order.token, order.number


def test_a_slip_carries_everything_the_counter_needs(app, client, shop_id):
    order_id, token, number = _order(app, shop_id)
    with app.app_context():
        shop_name = db.session.get(Shop, shop_id).name

    response = client.get(f"/dashboard/orders/{order_id}/slip?size=58")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in (
        escape(shop_name),
        f"#{number}",
        "Pizza 🍕",
        "Tamaño: grande, Masa: fina",
        "PZ-1",
        "Sin cebolla, por favor",
        "Calle Mayor 1, Madrid",
        "Entrega a domicilio",
        "Bizum",
        "Not paid yet",
        "612 34 56 78",
    ):
        assert text in page, text
    assert "slips-58" in page
    link = f"http://localhost/o/{token}"
    expected = segno.make(link, error="m", micro=False).svg_data_uri(scale=4, border=2)
    assert escape(expected) in page  # the QR code of the shopper's own order link
    assert "invoice" not in page.lower()


@pytest.mark.parametrize(
    ("size", "css"), [("80", "slips-80"), ("a4", "slips-a4"), ("x", "slips-80")]
)
def test_each_size_has_its_print_css(app, client, shop_id, size, css):
    order_id, _token, _number = _order(app, shop_id)
    page = client.get(f"/dashboard/orders/{order_id}/slip?size={size}").get_data(as_text=True)
    assert f"css/{css}" in page


def test_several_selected_orders_print_in_number_order(app, client, shop_id):
    first, _t, n1 = _order(app, shop_id)
    second, _t, n2 = _order(app, shop_id, status="confirmed")
    page = client.get(f"/dashboard/orders/slips?ids={second}&ids={first}&ids={first}&size=a4")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="slip"') == 2
    assert html.index(f'data-slip="{n1}"') < html.index(f'data-slip="{n2}"')


def test_the_list_offers_to_print_the_selected_ones(app, client, shop_id):
    order_id, _token, number = _order(app, shop_id)
    page = client.get("/dashboard/orders").get_data(as_text=True)
    assert 'form="print-selected"' in page
    assert f'value="{order_id}"' in page
    assert "Print order slips" in page
    detail = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
    assert f"/dashboard/orders/{order_id}/slip?size=58" in detail
    assert number


def test_another_shops_order_never_prints(app, client, shop_id):
    mine, _token, _number = _order(app, shop_id)
    with app.app_context():
        other = factories.make_order(factories.make_shop(factories.make_user(name="Bea")))
        db.session.commit()
        theirs = other.id
    assert client.get(f"/dashboard/orders/{theirs}/slip").status_code == 404
    assert client.get(f"/dashboard/orders/slips?ids={mine}&ids={theirs}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "ids=",
        "ids=abc",
        "ids=-1",
        "ids=%C2%B2",
        "ids=" + "9" * 40,
        "ids=" + "9" * 5000,
        "ids=1" + "&ids=1" * 100,
    ],
)
def test_junk_selections_are_a_404(app, client, shop_id, query):
    _order(app, shop_id)
    assert client.get(f"/dashboard/orders/slips?{query}").status_code == 404


def test_printing_with_nothing_ticked_says_so(client, shop_id):
    response = client.get("/dashboard/orders/slips?size=58")
    assert response.status_code == 200
    assert "No orders picked" in response.get_data(as_text=True)
    assert 'class="slip"' not in response.get_data(as_text=True)
