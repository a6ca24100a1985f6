"""Pix as a payment method: only for shops in reais, with a valid key and a city, and the
code an order gets from its own snapshot."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from shop.extensions import db
from shop.lib.brcode import fields
from shop.models import PaymentKind
from shop.ordering import payments
from shop.ordering.pix import order_pix, pix_key
from tests import factories


@pytest.fixture
def brl_shop(app):
    with app.test_request_context(), force_locale("pt_BR"):
        shop = factories.make_shop(
            factories.make_user(),
            name="Açaí da Vó 🌻",
            currency="BRL",
            language="pt_BR",
            whatsapp="+5511912345678",
        )
        yield shop
        db.session.rollback()


def test_a_brl_shop_adds_pix_with_its_key_and_city(brl_shop):
    method = payments.create_method(
        brl_shop, kind="pix", name="", details="123.456.789-09", city="  São Paulo "
    )
    assert (method.kind, method.name) == (PaymentKind.PIX, "Pix")
    assert method.details == "12345678909\nSão Paulo"
    assert payments.read_pix(method.details) == ("12345678909", "São Paulo")
    assert PaymentKind.PIX in payments.offered_kinds(brl_shop)


def test_a_shop_in_euros_cannot_add_pix(app):
    with app.test_request_context():
        shop = factories.make_shop(factories.make_user())
        assert PaymentKind.PIX not in payments.offered_kinds(shop)
        with pytest.raises(payments.PaymentError, match="reais") as error:
            payments.create_method(shop, kind="pix", name="", details="12345678909", city="Rio")
        assert error.value.field == "kind"


@pytest.mark.parametrize(
    ("details", "city", "field", "message"),
    [
        ("123.456.789-00", "Recife", "details", "CPF não é válido"),
        ("", "Recife", "details", "Escreva sua chave Pix"),
        ("12345678909", "", "city", "Escreva a cidade"),
        ("12345678909", "🌻🌻", "city", "Escreva a cidade"),
        ("12345678909", "x" * 61, "city", "no máximo 60"),
    ],
)
def test_a_bad_key_or_city_is_refused_on_its_field(brl_shop, details, city, field, message):
    with pytest.raises(payments.PaymentError, match=message) as error:
        payments.create_method(brl_shop, kind="pix", name="", details=details, city=city)
    assert error.value.field == field


def test_editing_a_pix_method_checks_the_new_key(brl_shop):
    method = payments.create_method(
        brl_shop, kind="pix", name="Pix", details="ana@loja.com.br", city="Recife"
    )
    payments.update_method(
        method, kind="pix", name="Pix", details="+55 81 99876-5432", city="Olinda"
    )
    assert method.details == "+5581998765432\nOlinda"
    with pytest.raises(payments.PaymentError):
        payments.update_method(method, kind="pix", name="Pix", details="nope", city="Olinda")


def _pix_order(shop, **fields_):
    values = {
        "payment_kind": "pix",
        "payment_name": "Pix",
        "payment_details": "12ABC34501DE35\nSão José dos Campos",
    }
    return factories.make_order(shop, **(values | fields_))


def test_an_order_paid_by_pix_has_a_code_for_its_exact_total(brl_shop):
    order = _pix_order(brl_shop)  # 2 x 20,00 + 8,50 + 3,00 shipping
    code = order_pix(order, brl_shop)
    top = fields(code)
    assert top["54"] == "51.50"
    assert fields(top["26"])["01"] == "12ABC34501DE35"
    assert (top["59"], top["60"]) == ("Acai da Vo", "Sao Jose dos Ca")
    assert fields(top["62"]) == {"05": str(order.number)}
    assert pix_key(order) == "12ABC34501DE35"


def test_a_shop_name_of_emoji_only_gives_its_slug(brl_shop):
    brl_shop.name = "🌻🌻🌻"
    code = order_pix(_pix_order(brl_shop), brl_shop)
    assert fields(code)["59"] == brl_shop.slug[:25]


@pytest.mark.parametrize(
    "fields_",
    [
        {"payment_kind": "bank_transfer", "payment_details": "12345678909\nRecife"},
        {"currency": "EUR"},
        {"payment_details": "12345678900\nRecife"},  # a row changed behind the app's back
        {"payment_details": "12345678909"},  # no city
    ],
)
def test_no_code_where_the_order_cannot_have_one(brl_shop, fields_):
    assert order_pix(_pix_order(brl_shop, **fields_), brl_shop) is None


def test_a_total_too_large_for_the_code_shows_the_key_alone(brl_shop):
    order = _pix_order(brl_shop, lines=[("Trator", 1_000_000_000_000, 1)], shipping=None)
    assert order_pix(order, brl_shop) is None
    assert pix_key(order) == "12ABC34501DE35"
