"""The fast writer of amounts writes exactly what Babel writes, for every locale the app
can meet and every currency, or it is Babel itself."""

from __future__ import annotations

from decimal import Decimal

from babel.core import Locale
from babel.numbers import parse_pattern
from hypothesis import given, settings
from hypothesis import strategies as st
from iso4217 import Currency

from shop.lib.money import MAX_MINOR_UNITS, _currency_pattern, format_money, shown_digits
from shop.lib.money_format import currency_writer

EXPONENTS = {c.code: c.exponent for c in Currency if c.exponent is not None}
# Every locale of the languages a shop can have, with every region it is spoken in,
# and a few with other digits, groupings and bidi marks.
LOCALES = sorted(
    {
        str(Locale.parse(name))
        for name in ("en", "es", "pt", "fr", "de", "it", "ar", "hi", "ja", "zh", "fa", "bn")
    }
    | {f"es_{r}" for r in ("ES", "MX", "AR", "CL", "CO", "PE", "VE", "UY", "BO", "CR", "DO")}
    | {f"en_{r}" for r in ("US", "GB", "IN", "NG", "ZA", "AU", "CA", "CH")}
    | {"pt_BR", "pt_PT", "de_CH", "fr_CH", "fr_FR", "hi_IN", "ar_EG", "ar_SA", "fa_IR"}
)


def babel(minor: int, currency: str, exponent: int, locale: str) -> str:
    digits = shown_digits(minor, currency, exponent)
    return _currency_pattern(locale, digits).apply(
        Decimal(minor).scaleb(-exponent), locale, currency=currency, currency_digits=False
    )


@settings(max_examples=600, deadline=None)
@given(
    minor=st.one_of(
        st.integers(0, MAX_MINOR_UNITS),
        st.integers(0, 10**6),
        st.sampled_from([0, 1, 100, 10**6, 10**12]),
    ),
    currency=st.sampled_from(sorted(EXPONENTS)),
    locale=st.sampled_from(LOCALES),
)
def test_writes_what_babel_writes(minor, currency, locale):
    exponent = EXPONENTS[currency]
    assert format_money(minor, currency, exponent, locale) == babel(
        minor, currency, exponent, locale
    )


def test_a_pattern_it_cannot_compile_is_left_to_babel():
    pattern = parse_pattern("¤¤ #,##0.00")  # the ISO code instead of the symbol
    writer = currency_writer(pattern, "en", "EUR", 2)
    assert writer(123450, 2) == "EUR 1,234.50"
    assert writer.__name__ == "babel"


def test_negative_amounts_are_babels_too():
    assert format_money(-123450, "EUR", 2, "es_ES") == "-1.234,50\xa0€"
