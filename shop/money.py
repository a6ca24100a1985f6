"""Amounts of money: integer minor units of an ISO 4217 currency, never floats.

Parsing and display go through Babel so every locale reads and writes amounts the way
its people do: ``1.234,50 €`` in Spain, ``$1,234.50`` in the US, ``$1.235`` in Chile.
"""

from __future__ import annotations

import re
from contextlib import suppress
from decimal import Decimal, InvalidOperation

from babel.core import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_precision,
    is_currency,
    parse_decimal,
)

# Far above any real price, far below what a BIGINT column holds.
MAX_MINOR_UNITS = 10**13
# Digits and the separators any locale uses; no exponents, no NaN, no Infinity.
_AMOUNT_CHARS = re.compile(r"[0-9.,'\u2019]+")


class AmountError(ValueError):
    """Text that is not an amount this currency can hold; the message is for the user."""


def is_known_currency(code: str) -> bool:
    return bool(code) and len(code) == 3 and is_currency(code.upper())


def currency_decimals(currency: str) -> int:
    """How many digits the currency has after the decimal point (JPY 0, EUR 2, KWD 3)."""
    return get_currency_precision(currency)


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-currency_decimals(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """Exact conversion; refuses amounts with more decimals than the currency has."""
    digits = currency_decimals(currency)
    scaled = amount.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise AmountError(f"{currency} takes at most {digits} decimals.")
    return int(scaled)


def parse_amount(text: str, currency: str, locale: str) -> int:
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
    example = format_amount_input(123450, "EUR", locale)
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
    digits = currency_decimals(currency)
    try:
        minor = to_minor(amount, currency)
    except AmountError:
        if digits == 0:
            raise AmountError(
                _("%(currency)s amounts have no decimals.", currency=currency)
            ) from None
        raise AmountError(
            _(
                "%(currency)s amounts have at most %(digits)s decimals.",
                currency=currency,
                digits=digits,
            )
        ) from None
    if minor > MAX_MINOR_UNITS:
        raise AmountError(_("That amount is too large."))
    return minor


def format_money(minor: int, currency: str, locale: str) -> str:
    """``1.234,50 €`` / ``€1,234.50``: for people, with the currency's own decimals."""
    return format_currency(to_decimal(minor, currency), currency, locale=locale)


def format_amount_input(minor: int | None, currency: str, locale: str) -> str:
    """The amount as the merchant would type it back into a form (no symbol)."""
    if minor is None:
        return ""
    digits = currency_decimals(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(to_decimal(minor, currency), format=pattern, locale=locale)


def format_plain(minor: int, currency: str) -> str:
    """``12.50 EUR``: the machine form catalog feeds want."""
    digits = currency_decimals(currency)
    return f"{to_decimal(minor, currency):.{digits}f} {currency}"


def _strip_currency(text: str, currency: str, locale: str) -> str:
    cleaned = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    symbols = {currency, currency.lower(), "$", "€", "£", "¥"}
    with suppress(UnknownLocaleError, ValueError):
        symbols.add(Locale.parse(locale).currency_symbols.get(currency, currency))
    for symbol in sorted(symbols, key=len, reverse=True):
        cleaned = cleaned.replace(symbol, "")
    return cleaned.strip().replace(" ", "")
