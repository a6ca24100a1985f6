"""WhatsApp numbers: typed the local way, stored in E.164, refused with a reason."""

import pytest

from shop.lib.phones import (
    PhoneError,
    country_choices,
    default_currency,
    format_whatsapp,
    guess_region,
    parse_whatsapp,
    sort_key,
    split_whatsapp,
)


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("region", "typed", "e164"),
    [
        ("ES", "612 34 56 78", "+34612345678"),
        ("ES", "0034 612 34 56 78", "+34612345678"),
        ("ES", "+34 612-34-56-78", "+34612345678"),
        ("MX", "55 1234 5678", "+525512345678"),
        ("MX", "+52 1 55 1234 5678", "+525512345678"),  # the pre-2019 mobile "1"
        ("MX", "044 55 1234 5678", "+525512345678"),
        ("CO", "321 1234567", "+573211234567"),
        ("CL", "9 6123 4567", "+56961234567"),
        ("AR", "9 11 1234-5678", "+5491112345678"),
        ("AR", "011 15 1234-5678", "+5491112345678"),
        ("US", "(201) 555-0123", "+12015550123"),
        ("BR", "(11) 91234-5678", "+5511912345678"),
        ("ES", "+52 55 1234 5678", "+525512345678"),  # a written + keeps its own country
        ("ES", "\uff16\uff11\uff12 345 678", "+34612345678"),  # full-width digits (CJK keyboards)
    ],
)
def test_accepts_numbers_from_many_countries_in_e164(region, typed, e164):
    assert parse_whatsapp(region, typed) == e164


@pytest.mark.parametrize(
    ("region", "typed", "message"),
    [
        ("ES", "", "Enter the WhatsApp number"),
        ("ES", "   ", "Enter the WhatsApp number"),
        ("ES", "1234", "too short for Spain"),
        ("ES", "6" * 40, "too long"),
        ("ES", "612 34 56 78 90 12", "too long for Spain"),
        ("US", "1-800-FLOWERS", "Use only digits"),
        ("ES", "six one two", "Use only digits"),
        ("ES", "612<script>", "Use only digits"),
        ("ES", "55 1234 5678", "Spain"),  # a Mexican number with Spain chosen
        ("MX", "612 34 56 78", "Mexico"),
        ("US", "612 345 678", "too short for United States"),  # a Spanish number, US chosen
        ("US", "+1 612 345", "too short for United States"),
        ("ES", "+999 1234 5678", "country code does not exist"),
        ("ES", "900 123 456", "toll-free"),
        ("ES", "803 123 456", "toll-free or special-rate"),
        ("AR", "11 1234-5678", "need a 9"),
        ("XX", "612 34 56 78", "Choose the country"),
        ("", "612 34 56 78", "Choose the country"),
        ("ES", "+", "does not look like a phone number"),
        ("ES", "((((", "does not look like a phone number"),
    ],
)
def test_refuses_numbers_that_cannot_get_orders_saying_why(region, typed, message):
    with pytest.raises(PhoneError, match=message):
        parse_whatsapp(region, typed)


def test_phone_error_is_a_value_error():
    assert issubclass(PhoneError, ValueError)


def test_formats_for_people_and_splits_back_for_the_form():
    assert format_whatsapp("+34612345678") == "+34 612 34 56 78"
    assert format_whatsapp("+5491112345678") == "+54 9 11 1234-5678"
    assert split_whatsapp("+34612345678") == ("ES", "612 34 56 78")
    region, national = split_whatsapp("+525512345678")
    assert region == "MX"
    assert parse_whatsapp(region, national) == "+525512345678"


def test_formatting_survives_a_broken_stored_value():
    assert format_whatsapp("not a number") == "not a number"
    assert split_whatsapp("")[0] == "ES"


@pytest.mark.parametrize(
    ("languages", "region"),
    [
        (["es-MX", "es"], "MX"),
        (["es_CL"], "CL"),
        (["pt-BR", "en-US"], "BR"),
        (["zh-Hans-CN"], "CN"),
        (["en", "es"], "ES"),
        (["es-419"], "ES"),
        ([], "ES"),
    ],
)
def test_guesses_the_country_from_the_browser_languages(languages, region):
    assert guess_region(languages) == region


@pytest.mark.parametrize(
    ("region", "currency"), [("ES", "EUR"), ("MX", "MXN"), ("CL", "CLP"), ("AQ", "USD")]
)
def test_proposes_the_country_currency(region, currency):
    assert default_currency(region) == currency


def test_country_choices_are_localized_with_calling_codes_and_sorted():
    spanish = country_choices("es")
    english = country_choices("en")
    assert ("ES", "España (+34)", {"data-currency": "EUR", "data-language": "es"}) in spanish
    assert ("ES", "Spain (+34)", {"data-currency": "EUR", "data-language": "es"}) in english
    # Where neither of our languages is spoken, the merchant's browser decides.
    assert ("FR", "France (+33)", {"data-currency": "EUR"}) in english
    assert ("US", "United States (+1)", {"data-currency": "USD", "data-language": "en"}) in english
    labels = [label for _code, label, _attrs in spanish]
    assert labels == sorted(labels, key=sort_key)
    assert labels.index("Irán (+98)") < labels.index("Irlanda (+353)")
    # Accents do not push a country to the end of the list.
    english_labels = [label for _code, label, _attrs in english]
    assert english_labels.index("Åland Islands (+358)") < english_labels.index("Albania (+355)")
    assert len(spanish) > 200
