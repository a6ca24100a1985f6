"""A Brazilian merchant adds Pix: the key and city are checked, the form gives them back
to edit, and shops in other currencies are never offered it."""

from __future__ import annotations

import re

import pytest

from shop.extensions import db
from shop.models import PaymentKind, PaymentMethod, Shop
from tests import factories


@pytest.fixture
def brazilian(app, client, sign_in_as):
    """A signed-in merchant of a BRL shop speaking pt_BR: returns the shop's id."""
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(
            user, currency="BRL", language="pt_BR", whatsapp="+5511912345678"
        )
        db.session.commit()
        ids = (user.id, shop.id)
    sign_in_as(client, ids[0])
    return ids[1]


PT = {"Accept-Language": "pt-BR"}


def test_a_brl_shop_is_offered_pix_with_a_city_field(client, brazilian):
    html = client.get("/dashboard/payments", headers=PT).get_data(as_text=True)
    assert '<option value="pix">Pix</option>' in html
    assert "Cidade (para o Pix)" in html
    assert "chave aleatória" in html


def test_a_merchant_adds_and_edits_a_pix_key(app, client, brazilian):
    response = client.post(
        "/dashboard/payments",
        data={"kind": "pix", "name": "", "details": "12.ABC.345/01DE-35", "city": "Niterói"},
        headers=PT,
    )
    assert response.status_code == 302
    with app.app_context():
        (method,) = db.session.get(Shop, brazilian).payment_methods
        assert (method.kind, method.details) == (PaymentKind.PIX, "12ABC34501DE35\nNiterói")
        method_id = method.id
    form = client.get(f"/dashboard/payments/{method_id}/edit", headers=PT).get_data(as_text=True)
    assert re.search(r">\s*12ABC34501DE35</textarea>", form)
    assert 'value="Niterói"' in form
    response = client.post(
        f"/dashboard/payments/{method_id}/edit",
        data={"kind": "pix", "name": "Pix", "details": "ana@loja.com.br", "city": "Niterói"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(PaymentMethod, method_id).details == "ana@loja.com.br\nNiterói"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"details": "123.456.789-00", "city": "Recife"}, "Esse CPF não é válido"),
        ({"details": "12.ABC.345/01DE-36", "city": "Recife"}, "Esse CNPJ não é válido"),
        ({"details": "+351 912 345 678", "city": "Recife"}, "número brasileiro"),
        ({"details": "12345678909", "city": ""}, "Escreva a cidade"),
        ({"details": "<script>", "city": "Recife"}, "não é uma chave Pix"),
    ],
)
def test_a_wrong_key_or_city_is_explained(app, client, brazilian, fields, message):
    response = client.post(
        "/dashboard/payments", data={"kind": "pix", "name": "", **fields}, headers=PT
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Shop, brazilian).payment_methods == []


def test_a_shop_in_euros_is_not_offered_pix(app, client, merchant):
    html = client.get("/dashboard/payments").get_data(as_text=True)
    assert 'value="pix"' not in html
    assert "City (for Pix)" not in html
    response = client.post(
        "/dashboard/payments", data={"kind": "pix", "details": "12345678909", "city": "Rio"}
    )
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Shop, merchant[1]).payment_methods == []


def test_another_shops_pix_method_is_404(app, client, brazilian):
    with app.app_context():
        other = factories.make_shop(factories.make_user(), currency="BRL")
        method = PaymentMethod(shop=other, kind="pix", name="Pix", details="12345678909\nRio")
        db.session.add(method)
        db.session.commit()
        method_id = method.id
    assert client.get(f"/dashboard/payments/{method_id}/edit").status_code == 404
    response = client.post(
        f"/dashboard/payments/{method_id}/edit",
        data={"kind": "pix", "name": "x", "details": "52998224725", "city": "Rio"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(PaymentMethod, method_id).details == "12345678909\nRio"
