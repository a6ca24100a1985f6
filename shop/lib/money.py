"""Amounts of money: integer minor units of an ISO 4217 currency, never floats.

What a stored amount means never depends on a library's data at run time. Every shop
keeps the exponent its amounts are written in (``Shop.currency_exponent``: 2 means
cents), set from ISO 4217 when the shop is created or changes currency, and every order
keeps a copy of it. Babel's CLDR data only decides how an amount *looks* and how typed
text is read: ``1.234,50 €`` in Spain, ``$1,234.50`` in the US, ``$15.990`` in Chile.
CLDR's "digits" are a display convention that changes between releases (Babel 2.19 gave
the Colombian peso 0 instead of 2), so they never convert a stored number; the decimals
shown come from a table reviewed against them (USUAL_DIGITS).
"""

from __future__ import annotations

import copy
import re
from contextlib import suppress
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    NumberPattern,
    format_decimal,
    parse_decimal,
)
from iso4217 import Currency

from shop.lib.money_format import currency_writer

# Far above any real price, far below what a BIGINT column holds.
MAX_MINOR_UNITS = 10**13
# Digits and the separators any locale uses; no exponents, no NaN, no Infinity.
_AMOUNT_CHARS = re.compile(r"[0-9.,'\u2019]+")
# The ISO 4217 minor units of every currency that has them (funds and metals have none).
_ISO_EXPONENTS = {c.code: c.exponent for c in Currency if c.exponent is not None}
# Currencies whose prices people write with fewer decimals than ISO 4217 gives them
# (CLDR's "digits", reviewed against Babel 2.19 / CLDR 47): such a price is shown without
# its decimals when they are zero. A test compares this table with the installed Babel,
# so a change in CLDR is noticed and decided by a person, never absorbed silently.
USUAL_DIGITS = {
    "AFN": 0, "ALL": 0, "COP": 0, "HUF": 0, "IDR": 0, "IQD": 0, "IRR": 0, "KPW": 0,
    "LAK": 0, "LBP": 0, "MGA": 0, "MMK": 0, "SOS": 0, "SYP": 0, "YER": 0,
}  # fmt: skip


class AmountError(ValueError):
    """Text that is not an amount this currency can hold; the message is for the user."""


def is_known_currency(code: str) -> bool:
    return bool(code) and code in _ISO_EXPONENTS


def iso_exponent(currency: str) -> int:
    """The number of minor units ISO 4217 gives the currency (JPY 0, EUR 2, KWD 3).

    This is what a new shop stores its amounts in; amounts already stored keep the
    exponent saved beside them.
    """
    return _ISO_EXPONENTS[currency]


def usual_digits(currency: str) -> int:
    """How many decimals people are used to seeing: the ISO exponent, or fewer for the
    currencies in USUAL_DIGITS (COP and HUF prices are written without cents)."""
    return USUAL_DIGITS.get(currency, _ISO_EXPONENTS.get(currency, 2))


def to_decimal(minor: int, exponent: int) -> Decimal:
    """``123450, 2`` -> ``Decimal("1234.50")``."""
    return Decimal(minor).scaleb(-exponent)


def to_minor(amount: Decimal, exponent: int) -> int:
    """Exact conversion; refuses amounts with more decimals than the exponent allows."""
    scaled = amount.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise AmountError(f"at most {exponent} decimals")
    return int(scaled)


def shown_digits(minor: int, currency: str, exponent: int) -> int:
    """The decimals an amount is written with: the currency's usual number when the
    amount fits it (``$1.234.567`` for a COP price with no cents), else every decimal
    the amount has, so a price is never rounded on its way to the page."""
    usual = min(usual_digits(currency), exponent)
    dropped = exponent - usual
    if dropped and minor % 10**dropped:
        return exponent
    return usual


def format_money(minor: int, currency: str, exponent: int, locale: str) -> str:
    """``1.234,50 €`` / ``€1,234.50``: for people, in the locale's conventions."""
    digits = shown_digits(minor, currency, exponent)
    writer = currency_writer(_currency_pattern(locale, digits), locale, currency, digits)
    return writer(minor, exponent)


@lru_cache(maxsize=512)
def _currency_pattern(locale: str, digits: int) -> NumberPattern:
    """The locale's currency pattern with exactly `digits` decimals, parsed once."""
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return pattern


def format_amount_input(minor: int | None, currency: str, exponent: int, locale: str) -> str:
    """The amount as the merchant would type it back into a form (no symbol)."""
    if minor is None:
        return ""
    digits = shown_digits(minor, currency, exponent)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(to_decimal(minor, exponent), format=pattern, locale=locale)


def format_plain(minor: int, currency: str, exponent: int) -> str:
    """``12.50 EUR``: the machine form catalog feeds want."""
    return f"{to_decimal(minor, exponent):.{exponent}f} {currency}"


def parse_amount(text: str, currency: str, exponent: int, locale: str) -> int:
    """Read a price the way the merchant typed it in their language.

    ``"1.234,50"`` in Spanish and ``"1,234.50"`` in English are both 123450 cents of
    EUR; a currency symbol or spaces around the number are tolerated.
    """
    from flask_babel import gettext as _

    cleaned = _strip_currency(text or "", currency, locale)
    if not cleaned:
        raise AmountError(_("Enter an amount."))
    if cleaned.startswith("-"):
        raise AmountError(_("The amount cannot be negative."))
    if len(cleaned) > 30:
        raise AmountError(_("That amount is too large."))
    example = format_amount_input(123450, "EUR", 2, locale)
    if not _AMOUNT_CHARS.fullmatch(cleaned):
        raise AmountError(_("Write the amount like %(example)s.", example=example))
    try:
        amount = parse_decimal(cleaned, locale=locale, strict=True)
    except NumberFormatError as error:
        suggestions = getattr(error, "suggestions", None)
        if suggestions:
            raise AmountError(
                _(
                    "Write the amount like %(example)s (did you mean %(suggestion)s?)",
                    example=example,
                    suggestion=suggestions[-1],
                )
            ) from None
        raise AmountError(_("Write the amount like %(example)s.", example=example)) from None
    except InvalidOperation:
        raise AmountError(_("Enter an amount.")) from None
    if not amount.is_finite():
        raise AmountError(_("Enter an amount."))
    if amount < 0:
        raise AmountError(_("The amount cannot be negative."))
    try:
        minor = to_minor(amount, exponent)
    except AmountError:
        if exponent == 0:
            raise AmountError(
                _("%(currency)s amounts have no decimals.", currency=currency)
            ) from None
        raise AmountError(
            _(
                "%(currency)s amounts have at most %(digits)s decimals.",
                currency=currency,
                digits=exponent,
            )
        ) from None
    if minor > MAX_MINOR_UNITS:
        raise AmountError(_("That amount is too large."))
    return minor


def _strip_currency(text: str, currency: str, locale: str) -> str:
    cleaned = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    symbols = {currency, currency.lower(), "$", "€", "£", "¥"}
    with suppress(UnknownLocaleError, ValueError):
        symbols.add(Locale.parse(locale).currency_symbols.get(currency, currency))
    for symbol in sorted(symbols, key=len, reverse=True):
        cleaned = cleaned.replace(symbol, "")
    return cleaned.strip().replace(" ", "")
