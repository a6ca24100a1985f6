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
from decimal import Decimal
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError
from babel.numbers import (
    NumberPattern,
    format_decimal,
    get_currency_symbol,
    get_decimal_symbol,
)
from iso4217 import Currency

from shop.lib.money_format import currency_writer

# Far above any real price, far below what a BIGINT column holds.
MAX_MINOR_UNITS = 10**13
# Digits and the separators common formats use; no exponents, no NaN, no Infinity.
_NUMBER_CHARS = re.compile(r"[0-9][0-9., '\u2019]*|[.,][0-9]+")
# What may come before a thousands separator: one to three digits, not a leading zero.
_GROUP_HEAD = re.compile(r"[1-9][0-9]{0,2}")
# Thousands separators other than a dot or a comma: a space, an apostrophe (Swiss).
_SPACE_GROUPS = (" ", "'", "\u2019")
# No-break, narrow no-break, thin and figure spaces are written as plain ones.
_SPACES = str.maketrans(dict.fromkeys("\u00a0\u202f\u2009\u2007", " "))
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
    """Read a price however the merchant wrote it, in the shop's format or any common one.

    ``18,50``, ``18.50``, ``1.234,56``, ``1,234.56``, ``1 234,56`` and ``1'234.56`` are
    all read, with or without the currency's sign or code: the separator that comes last
    and appears once is the decimal one, the others group thousands. `locale` is the
    shop's own (``shop.lib.locales.shop_locale``): it words the messages and settles the
    one case only a format can, see ``read_number``. Text that two common formats read
    as two different amounts raises AmbiguousAmount, naming both; no text is ever read
    as a number its writer could not have meant.
    """
    from flask_babel import gettext as _

    cleaned = _strip_currency(text or "", currency, locale)
    example = format_amount_input(123450, "EUR", 2, locale)
    if not cleaned:
        raise AmountError(_("Enter an amount."))
    if "-" in cleaned or "\u2212" in cleaned:
        raise AmountError(_("The amount cannot be negative."))
    if len(cleaned) > 30:
        raise AmountError(_("That amount is too large."))
    reading = read_number(cleaned, min(usual_digits(currency), exponent), exponent, locale)
    if reading is None:
        raise AmountError(_("Write the amount like %(example)s.", example=example))
    if isinstance(reading, tuple):
        grouped, decimal = reading
        raise AmbiguousAmount(
            _(
                "Is “%(typed)s” %(first)s or %(second)s? Write the decimals too, like %(first)s.",
                typed=text.strip(),
                first=_input_text(grouped, max(exponent, 1), locale),
                second=_input_text(decimal, 3, locale),
            ),
            readings=reading,
        )
    try:
        minor = to_minor(reading, exponent)
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


class AmbiguousAmount(AmountError):
    """Two common formats read the text as two different amounts; `readings` has both."""

    def __init__(self, message: str, readings: tuple[Decimal, Decimal]) -> None:
        super().__init__(message)
        self.readings = readings


def read_number(
    text: str, usual: int, exponent: int, locale: str
) -> Decimal | tuple[Decimal, Decimal] | None:
    """The number in `text` (digits, ``.``, ``,``, spaces and apostrophes only), or None
    when no common format writes it so, or (grouped, decimal) when two formats read it
    differently.

    Only one shape has two readings: a single ``.`` or ``,`` with three digits after it
    and one to three before (``1.234``). Where both readings are amounts (three decimals:
    KWD, IQD) it is read in the shop's format when the mark is the shop's decimal
    separator, as the form writes ``1,234`` back there, and asks otherwise. Where only
    thousands fit, it groups them in a currency written without decimals (CLP, COP,
    JPY) and asks in one written with cents (EUR): the writer may have meant thousands
    or slipped a digit into the cents.
    """
    if not _NUMBER_CHARS.fullmatch(text):
        return None
    spaced = [c for c in _SPACE_GROUPS if c in text]
    marks = [m for m in ".," if m in text]
    decimal_mark = None
    if len(marks) == 2:
        decimal_mark = max(marks, key=text.rfind)
    elif len(marks) == 1 and (text.count(marks[0]) == 1):
        head, tail = text.split(marks[0])
        if not spaced and len(tail) == 3 and _GROUP_HEAD.fullmatch(head):
            grouped, decimal = Decimal(head + tail), Decimal(f"{head}.{tail}")
            if exponent >= 3:
                return decimal if marks[0] == get_decimal_symbol(locale) else (grouped, decimal)
            return grouped if usual == 0 else (grouped, decimal)
        decimal_mark = marks[0]
    whole, fraction = text, ""
    if decimal_mark is not None:
        whole, _mark, fraction = text.partition(decimal_mark)
        if not fraction.isdigit() or not fraction.isascii():
            return None
    groups = [c for c in (*_SPACE_GROUPS, ".", ",") if c in whole]
    if len(groups) > 1:
        return None
    if groups:
        head, *rest = whole.split(groups[0])
        if not (1 <= len(head) <= 3 and head.isdigit()) or any(
            len(part) != 3 or not part.isdigit() for part in rest
        ):
            return None
        whole = head + "".join(rest)
    if not whole and not fraction:
        return None
    return Decimal(f"{whole or 0}.{fraction or 0}")


def _input_text(amount: Decimal, digits: int, locale: str) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=locale)


def _strip_currency(text: str, currency: str, locale: str) -> str:
    """The text without the currency's sign or code before or after it, spaces of
    every kind made plain ones (``1\u202f234,50\xa0€`` -> ``1 234,50``)."""
    cleaned = text.translate(_SPACES).strip()
    symbols = _currency_symbols(currency, locale)
    changed = True
    while changed and cleaned:
        changed = False
        folded = cleaned.casefold()
        for symbol in symbols:
            if folded.startswith(symbol):
                cleaned, changed = cleaned[len(symbol) :].strip(), True
                break
            if folded.endswith(symbol):
                cleaned, changed = cleaned[: -len(symbol)].strip(), True
                break
    return cleaned


@lru_cache(maxsize=256)
def _currency_symbols(currency: str, locale: str) -> tuple[str, ...]:
    """Every sign the currency is written with in the app's languages, longest first."""
    symbols = {currency.casefold()}
    for name in {locale, "en", "es"}:
        with suppress(UnknownLocaleError, ValueError):
            symbol = get_currency_symbol(currency, name).translate(_SPACES).casefold()
            symbols.add(symbol)
            if symbol.endswith("$"):
                symbols.add("$")
    return tuple(sorted(symbols, key=len, reverse=True))
