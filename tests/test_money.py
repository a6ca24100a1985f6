"""Amounts typed the way merchants write them, stored as integer minor units."""

import pytest

from shop.money import (
    AmountError,
    currency_decimals,
    format_amount_input,
    format_money,
    format_plain,
    parse_amount,
)


@pytest.fixture(autouse=True)
def _request(app):
    # parse_amount's messages are translated, so it needs an app (and request) context.
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("text", "currency", "locale", "minor"),
    [
        ("1.234,50", "EUR", "es", 123450),
        ("1234,5", "EUR", "es", 123450),
        ("1,234.50", "USD", "en", 123450),
        ("12", "USD", "en", 1200),
        ("$ 1,234.50", "USD", "en", 123450),
        ("1.234,50 €", "EUR", "es", 123450),
        ("1,234.50", "MXN", "es_MX", 123450),
        ("1.234.567", "COP", "es_CO", 123456700),
        ("15.990", "CLP", "es_CL", 15990),
        ("15990", "CLP", "es", 15990),
        ("1.234,50", "BRL", "pt_BR", 123450),
        ("1,234.567", "KWD", "en", 1234567),
        ("1.234,567", "KWD", "es", 1234567),
        ("0", "EUR", "es", 0),
        ("0,99", "EUR", "es", 99),
    ],
)
def test_parses_amounts_as_merchants_write_them(text, currency, locale, minor):
    assert parse_amount(text, currency, locale) == minor


@pytest.mark.parametrize(
    ("text", "currency", "locale", "message"),
    [
        ("", "EUR", "es", "Enter an amount"),
        ("abc", "EUR", "es", "Write the amount like"),
        ("1,234.50", "EUR", "es", "did you mean"),
        ("1.234,50", "USD", "en", "did you mean"),
        ("-5", "EUR", "es", "cannot be negative"),
        ("12,5", "CLP", "es", "no decimals"),
        ("1,2345", "KWD", "es", "at most 3 decimals"),
        ("10,001", "EUR", "es", "at most 2 decimals"),
        ("9" * 40, "EUR", "es", "too large"),
        ("99999999999999", "USD", "en", "too large"),
        ("NaN", "EUR", "en", "Write the amount like"),
        ("Infinity", "EUR", "en", "Write the amount like"),
        ("1e5", "EUR", "en", "Write the amount like"),
    ],
)
def test_refuses_what_is_not_an_amount_with_a_clear_message(text, currency, locale, message):
    with pytest.raises(AmountError, match=message):
        parse_amount(text, currency, locale)


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "shown"),
    [
        (123450, "EUR", "es", "1.234,50\xa0€"),
        (123450, "EUR", "en", "€1,234.50"),
        (123450, "USD", "en", "$1,234.50"),
        (123450, "MXN", "es_MX", "$1,234.50"),
        (123456700, "COP", "es_CO", "$1.234.567,00"),
        (15990, "CLP", "es_CL", "$15.990"),
        (123450, "BRL", "pt_BR", "R$\xa01.234,50"),
        (1234567, "KWD", "en", "KWD1,234.567"),
        (1235, "JPY", "en", "¥1,235"),
    ],
)
def test_formats_amounts_in_the_viewers_locale(minor, currency, locale, shown):
    assert format_money(minor, currency, locale) == shown


@pytest.mark.parametrize(("currency", "digits"), [("EUR", 2), ("CLP", 0), ("JPY", 0), ("KWD", 3)])
def test_knows_each_currencys_decimals(currency, digits):
    assert currency_decimals(currency) == digits


def test_input_format_round_trips():
    for currency, locale in [("EUR", "es"), ("USD", "en"), ("CLP", "es_CL"), ("KWD", "es")]:
        for minor in (0, 5, 99, 123456, 987654321):
            assert (
                parse_amount(format_amount_input(minor, currency, locale), currency, locale)
                == minor
            )


def test_feed_format_is_plain():
    assert format_plain(1250, "EUR") == "12.50 EUR"
    assert format_plain(15990, "CLP") == "15990 CLP"
    assert format_plain(1234567, "KWD") == "1234.567 KWD"
