"""Amounts typed the way merchants write them, stored as integer minor units whose
exponent is saved with them, never read from a library's data at run time."""

import pytest
from babel.numbers import get_currency_precision

from shop.lib.money import (
    USUAL_DIGITS,
    AmbiguousAmount,
    AmountError,
    format_amount_input,
    format_money,
    format_plain,
    iso_exponent,
    parse_amount,
    shown_digits,
)
from shop.shops.settings import currency_codes


@pytest.fixture(autouse=True)
def _request(app):
    # parse_amount's messages are translated, so it needs an app (and request) context.
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("text", "currency", "exponent", "locale", "minor"),
    [
        ("1.234,50", "EUR", 2, "es", 123450),
        ("1234,5", "EUR", 2, "es", 123450),
        ("1,234.50", "USD", 2, "en", 123450),
        ("12", "USD", 2, "en", 1200),
        ("$ 1,234.50", "USD", 2, "en", 123450),
        ("1.234,50 €", "EUR", 2, "es", 123450),
        ("1,234.50", "MXN", 2, "es_MX", 123450),
        ("1.234.567", "COP", 2, "es_CO", 123456700),
        ("1.234.567,50", "COP", 2, "es_CO", 123456750),
        ("15.990", "CLP", 0, "es_CL", 15990),
        ("15990", "CLP", 0, "es", 15990),
        ("1.234,50", "BRL", 2, "pt_BR", 123450),
        ("1,234.567", "KWD", 3, "en", 1234567),
        ("1.234,567", "KWD", 3, "es", 1234567),
        ("0", "EUR", 2, "es", 0),
        ("0,99", "EUR", 2, "es", 99),
        # A shop whose amounts were stored without decimals keeps reading them so.
        ("1.234", "RSD", 0, "es", 1234),
        # Any common format, whatever the shop's (issue 16): the last separator that
        # appears once is the decimal one.
        ("18,50", "EUR", 2, "en", 1850),
        ("18.50", "EUR", 2, "es", 1850),
        ("1,234.56", "EUR", 2, "es", 123456),
        ("1.234,56", "USD", 2, "en", 123456),
        ("1 234,56", "EUR", 2, "es", 123456),
        ("1\u202f234,56\xa0€", "EUR", 2, "es", 123456),
        ("1\xa0234.56", "EUR", 2, "es", 123456),
        ("1'234.56", "CHF", 2, "en", 123456),
        ("EUR 18,50", "EUR", 2, "en", 1850),
        ("18.50 eur", "EUR", 2, "es", 1850),
        ("US$ 18.50", "USD", 2, "es", 1850),
        ("MX$1,234.50", "MXN", 2, "en", 123450),
        (",5", "EUR", 2, "es", 50),
        ("0.500", "KWD", 3, "en", 500),
        ("1234.567", "KWD", 3, "es", 1234567),
        # Currencies without cents: three digits after one separator group thousands.
        ("15,990", "CLP", 0, "es_CL", 15990),
        ("10,001", "COP", 2, "es_CO", 1000100),
        ("1.234", "JPY", 0, "en", 1234),
        # Three decimals: the shop's own decimal separator is read as one (the form
        # writes 1.234 KWD back as "1,234" in Spanish).
        ("1,234", "KWD", 3, "es", 1234),
        ("1.234", "KWD", 3, "en", 1234),
    ],
)
def test_parses_amounts_as_merchants_write_them(text, currency, exponent, locale, minor):
    assert parse_amount(text, currency, exponent, locale) == minor


@pytest.mark.parametrize(
    ("text", "currency", "exponent", "locale", "message"),
    [
        ("", "EUR", 2, "es", "Enter an amount"),
        ("abc", "EUR", 2, "es", "Write the amount like"),
        ("-5", "EUR", 2, "es", "cannot be negative"),
        ("12,5", "CLP", 0, "es", "no decimals"),
        ("1,2345", "KWD", 3, "es", "at most 3 decimals"),
        ("10,0001", "EUR", 2, "es", "at most 2 decimals"),
        ("1.234,567", "EUR", 2, "es", "at most 2 decimals"),
        ("10,0001", "COP", 2, "es_CO", "at most 2 decimals"),
        ("18,", "EUR", 2, "es", "Write the amount like"),
        ("1.23.4", "EUR", 2, "es", "Write the amount like"),
        ("1,234,56", "EUR", 2, "es", "Write the amount like"),
        ("1.234,56,7", "EUR", 2, "es", "Write the amount like"),
        ("1 234.567,8", "EUR", 2, "es", "Write the amount like"),
        ("12 34", "EUR", 2, "es", "Write the amount like"),
        ("٣", "EUR", 2, "es", "Write the amount like"),
        ("18,50 USD", "EUR", 2, "es", "Write the amount like"),
        ("€ -5", "EUR", 2, "es", "cannot be negative"),
        ("9" * 40, "EUR", 2, "es", "too large"),
        ("99999999999999", "USD", 2, "en", "too large"),
        ("NaN", "EUR", 2, "en", "Write the amount like"),
        ("Infinity", "EUR", 2, "en", "Write the amount like"),
        ("1e5", "EUR", 2, "en", "Write the amount like"),
    ],
)
def test_refuses_what_is_not_an_amount_with_a_clear_message(
    text, currency, exponent, locale, message
):
    with pytest.raises(AmountError, match=message):
        parse_amount(text, currency, exponent, locale)


@pytest.mark.parametrize(
    ("minor", "currency", "exponent", "locale", "shown"),
    [
        (123450, "EUR", 2, "es", "1.234,50\xa0€"),
        (123450, "EUR", 2, "en", "€1,234.50"),
        (-250, "EUR", 2, "es", "-2,50\xa0€"),
        (123450, "USD", 2, "en", "$1,234.50"),
        (123450, "MXN", 2, "es_MX", "$1,234.50"),
        # Pesos are written without cents; cents that are there are never hidden.
        (123456700, "COP", 2, "es_CO", "$1.234.567"),
        (123456750, "COP", 2, "es_CO", "$1.234.567,50"),
        (15990, "CLP", 0, "es_CL", "$15.990"),
        (123450, "BRL", 2, "pt_BR", "R$\xa01.234,50"),
        (1234567, "KWD", 3, "en", "KWD1,234.567"),
        (1235, "JPY", 0, "en", "¥1,235"),
    ],
)
def test_formats_amounts_in_the_viewers_locale(minor, currency, exponent, locale, shown):
    assert format_money(minor, currency, exponent, locale) == shown


@pytest.mark.parametrize(
    ("currency", "exponent"), [("EUR", 2), ("CLP", 0), ("JPY", 0), ("KWD", 3), ("COP", 2)]
)
def test_a_new_shops_exponent_comes_from_iso_4217(currency, exponent):
    assert iso_exponent(currency) == exponent


def test_the_stored_exponent_decides_what_an_amount_means_not_the_currency():
    """The same code with two exponents: a shop from before keeps its own meaning."""
    assert format_money(1234, "RSD", 0, "en") == "RSD1,234"
    assert format_money(123400, "RSD", 2, "en") == "RSD1,234.00"
    assert format_plain(1234, "RSD", 0) == "1234 RSD"
    assert format_plain(123400, "RSD", 2) == "1234.00 RSD"


@pytest.mark.parametrize(
    ("text", "currency", "exponent", "locale", "grouped", "decimal"),
    [
        ("1.234", "EUR", 2, "es", "1.234,00", "1,234"),
        ("1,234", "EUR", 2, "es", "1.234,00", "1,234"),
        ("1,234", "EUR", 2, "en", "1,234.00", "1.234"),
        ("10,001", "EUR", 2, "es", "10.001,00", "10,001"),
        ("€18,505", "EUR", 2, "es", "18.505,00", "18,505"),
        ("1.234", "KWD", 3, "es", "1.234,000", "1,234"),
        ("1,234", "KWD", 3, "en", "1,234.000", "1.234"),
    ],
)
def test_an_ambiguous_amount_asks_showing_both_readings(
    text, currency, exponent, locale, grouped, decimal
):
    with pytest.raises(AmbiguousAmount) as raised:
        parse_amount(text, currency, exponent, locale)
    assert grouped in str(raised.value)
    assert decimal in str(raised.value)
    assert len(raised.value.readings) == 2


def test_usual_digits_never_exceed_the_stored_ones():
    assert shown_digits(1234, "EUR", 0) == 0
    assert shown_digits(123400, "COP", 2) == 0
    assert shown_digits(123401, "COP", 2) == 2


def test_input_format_round_trips():
    for currency, exponent, locale in [
        ("EUR", 2, "es"),
        ("USD", 2, "en"),
        ("CLP", 0, "es_CL"),
        ("KWD", 3, "es"),
        ("COP", 2, "es_CO"),
    ]:
        for minor in (0, 5, 99, 100, 123456, 987654321, 987654300):
            typed = format_amount_input(minor, currency, exponent, locale)
            assert parse_amount(typed, currency, exponent, locale) == minor


def test_feed_format_is_plain():
    assert format_plain(1250, "EUR", 2) == "12.50 EUR"
    assert format_plain(15990, "CLP", 0) == "15990 CLP"
    assert format_plain(1234567, "KWD", 3) == "1234.567 KWD"
    assert format_plain(123456700, "COP", 2) == "1234567.00 COP"


def test_the_usual_digits_table_matches_the_installed_babel():
    """A guard for the next CLDR change: if Babel's digits for any currency the app
    offers differ from the app's reviewed table, this names each one, so a person
    decides (update USUAL_DIGITS) instead of the display changing silently. Stored
    amounts are safe either way: their exponent is saved with them."""
    differences = {
        code: {"babel": get_currency_precision(code), "app": USUAL_DIGITS.get(code)}
        for code in sorted(currency_codes())
        if get_currency_precision(code) != USUAL_DIGITS.get(code, iso_exponent(code))
    }
    assert differences == {}, (
        "Babel's CLDR digits changed for these currencies; review them and update "
        f"shop.lib.money.USUAL_DIGITS: {differences}"
    )


def test_the_reviewed_table_names_only_currencies_with_fewer_digits_than_iso():
    for code, digits in USUAL_DIGITS.items():
        assert digits < iso_exponent(code), code
