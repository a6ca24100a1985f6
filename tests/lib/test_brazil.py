"""Brazilian Portuguese: the language code, R$ written and read as Brazilians do, and
Brazilian WhatsApp numbers."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from shop.lib.locales import app_language, html_lang, money_locale, region_language
from shop.lib.money import AmbiguousAmount, format_amount_input, format_money, parse_amount
from shop.lib.phones import PhoneError, format_whatsapp, parse_whatsapp, split_whatsapp

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("pt_BR", "pt_BR"),
        ("pt-BR", "pt_BR"),
        ("pt", "pt_BR"),
        ("pt_PT", "pt_BR"),
        ("es_MX", "es"),
        ("en", "en"),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_a_browser_tag_finds_the_app_language(tag, expected):
    assert app_language(tag) == expected


def test_brazil_speaks_brazilian_portuguese():
    assert region_language("BR") == "pt_BR"
    assert html_lang("pt_BR") == "pt-BR"


@pytest.mark.parametrize(
    ("minor", "expected"),
    [
        (123456, f"R${NBSP}1.234,56"),
        (5, f"R${NBSP}0,05"),
        (100_000_000_00, f"R${NBSP}100.000.000,00"),
    ],
)
def test_reais_are_written_as_in_brazil(minor, expected):
    assert format_money(minor, "BRL", 2, "pt_BR") == expected


@pytest.mark.parametrize(
    "typed",
    ["R$ 1.234,56", "R$1.234,56", "1.234,56", "1234,56", "BRL 1.234,56", "1,234.56", "R$ 1234.56"],
)
def test_reais_are_read_as_brazilians_write_them(app, typed):
    with app.test_request_context(), force_locale("pt_BR"):
        assert parse_amount(typed, "BRL", 2, "pt_BR") == 123456


def test_a_lone_thousands_dot_in_reais_asks_in_portuguese(app):
    with app.test_request_context(), force_locale("pt_BR"), pytest.raises(AmbiguousAmount) as error:
        parse_amount("1.234", "BRL", 2, "pt_BR")
    assert (
        str(error.value)
        == "“1.234” é 1.234,00 ou 1,234? Escreva também os centavos, como 1.234,00."
    )


def test_the_amount_field_writes_reais_back_in_brazilian_form():
    assert format_amount_input(123456, "BRL", 2, "pt_BR") == "1.234,56"


def test_a_brazilian_shop_shows_reais_to_every_viewer(app):
    class Shop:
        language, whatsapp, currency, currency_exponent = "pt_BR", "+5511912345678", "BRL", 2

    with app.test_request_context():
        for viewer, expected in (("pt_BR", "pt_BR"), ("en", "en"), ("es", "es")):
            with force_locale(viewer):
                assert money_locale(Shop) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "11 91234-5678",
        "(11) 91234-5678",
        "+55 11 91234-5678",
        "011 91234-5678",
        "0 15 11 91234-5678",
    ],
)
def test_brazilian_mobiles_are_accepted_however_written(app, typed):
    with app.test_request_context(), force_locale("pt_BR"):
        number = parse_whatsapp("BR", typed)
    assert number == "+5511912345678"
    assert format_whatsapp(number) == "+55 11 91234-5678"
    assert split_whatsapp(number) == ("BR", "(11) 91234-5678")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("91234-5678", "Inclua o DDD no número."),
        ("3456-7890", "Inclua o DDD no número."),
        ("11 91234-567", "Esse número não é válido (Brasil). Confira o país e o número."),
        ("11 91234-56789", "Esse número é longo demais (Brasil)."),
        ("0800 123 4567", "linha gratuita"),
        ("11 91234-5678 ☎", "Use só dígitos"),
    ],
)
def test_wrong_brazilian_numbers_are_explained_in_portuguese(app, typed, message):
    with app.test_request_context(), force_locale("pt_BR"), pytest.raises(PhoneError) as error:
        parse_whatsapp("BR", typed)
    assert message in str(error.value)
