"""WhatsApp numbers: a country and a national number in, one E.164 number out.

The number is where every order lands, so a wrong one silently loses sales: it is
checked with `phonenumbers` (valid for its country, not a toll-free or premium line)
and stored as ``+34612345678``; wa.me wants the digits of that.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers
from babel.core import Locale, UnknownLocaleError
from babel.numbers import get_territory_currencies
from flask_babel import get_locale
from flask_babel import gettext as _
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

from shop.lib.locales import region_language
from shop.lib.money import is_known_currency

DEFAULT_REGION = "ES"
MAX_INPUT_LENGTH = 30
REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)
_SEPARATORS = frozenset("+-().,/ \t\u00a0\u2009\u202f\u2010\u2011\u2012\u2013")
# Lines nobody can reach on WhatsApp: a shop with one of these would never get an order.
_NOT_FOR_WHATSAPP = {
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
    PhoneNumberType.PAGER,
}


class PhoneError(ValueError):
    """A number that cannot receive orders; the message says what to fix."""


def parse_whatsapp(region: str, number: str) -> str:
    """``("ES", "612 34 56 78")`` -> ``"+34612345678"``, or raise PhoneError.

    A number written with ``+`` or the international prefix keeps its own country,
    whatever `region` says; otherwise it must be valid in `region`.
    """
    text = (number or "").strip()
    if not text:
        raise PhoneError(_("Enter the WhatsApp number that will receive the orders."))
    if len(text) > MAX_INPUT_LENGTH:
        raise PhoneError(_("That number is too long."))
    if not all(ch.isdecimal() or ch in _SEPARATORS for ch in text):
        raise PhoneError(_("Use only digits, spaces and the signs + ( ) - in the number."))
    if region not in REGIONS:
        raise PhoneError(_("Choose the country of the number."))
    try:
        parsed = phonenumbers.parse(text, region)
    except NumberParseException as error:
        raise PhoneError(_parse_error_message(error)) from None
    if region == "MX" and not phonenumbers.is_valid_number(parsed):
        parsed = _without_old_mexican_prefix(parsed)
    if (
        parsed.country_code == 55
        and len(str(parsed.national_number)) in (8, 9)
        and not phonenumbers.is_valid_number(parsed)
    ):
        # Brazilians give a number without its two-digit area code (DDD) to people in
        # their own city; wa.me needs it, and phonenumbers only calls it invalid.
        raise PhoneError(_("Add the area code to the number."))
    _check(parsed)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _check(parsed: phonenumbers.PhoneNumber) -> None:
    # An invalid number has no region of its own: name the country its code belongs to.
    region = phonenumbers.region_code_for_number(
        parsed
    ) or phonenumbers.region_code_for_country_code(parsed.country_code)
    country = country_name(region or "")
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason == ValidationResult.TOO_SHORT:
        raise PhoneError(_("That number is too short for %(country)s.", country=country))
    if reason == ValidationResult.TOO_LONG:
        raise PhoneError(_("That number is too long for %(country)s.", country=country))
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise PhoneError(_("Add the area code to the number."))
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        raise PhoneError(_("That country code does not exist. Check the digits after +."))
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneError(
            _(
                "That is not a valid number in %(country)s. Check the country and the number.",
                country=country,
            )
        )
    kind = phonenumbers.number_type(parsed)
    if kind in _NOT_FOR_WHATSAPP:
        raise PhoneError(
            _("That is a toll-free or special-rate line; use the mobile number with WhatsApp.")
        )
    if parsed.country_code == 54 and kind == PhoneNumberType.FIXED_LINE:
        # Argentine mobiles are dialled +54 9 ...; without the 9, wa.me reaches nobody.
        raise PhoneError(
            _(
                "Argentine mobile numbers need a 9 after the country code: "
                "write 9 11 1234-5678 or 011 15 1234-5678."
            )
        )


def _parse_error_message(error: NumberParseException) -> str:
    kind = error.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return _("That country code does not exist. Check the digits after +.")
    if kind in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return _("That number is too short.")
    if kind == NumberParseException.TOO_LONG:
        return _("That number is too long.")
    return _("That does not look like a phone number.")


def _without_old_mexican_prefix(parsed: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber:
    """Mexicans still write mobiles as +52 1 55..., 044 55... or 045 55... (dropped in 2019)."""
    national = str(parsed.national_number)
    for prefix in ("1", "44", "45"):
        rest = national[len(prefix) :]
        if national.startswith(prefix) and len(rest) == 10:
            candidate = phonenumbers.PhoneNumber(country_code=52, national_number=int(rest))
            if phonenumbers.is_valid_number(candidate):
                return candidate
    return parsed


def format_whatsapp(e164: str) -> str:
    """``+34612345678`` -> ``+34 612 34 56 78``: for people to read and check."""
    try:
        parsed = phonenumbers.parse(e164)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def split_whatsapp(e164: str) -> tuple[str, str]:
    """``+34612345678`` -> ``("ES", "612 34 56 78")``: to fill the form back in."""
    try:
        parsed = phonenumbers.parse(e164)
    except NumberParseException:
        return DEFAULT_REGION, e164 or ""
    region = phonenumbers.region_code_for_number(parsed)
    if region not in REGIONS:
        return DEFAULT_REGION, format_whatsapp(e164)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return region, national


def guess_region(languages: Iterable[str]) -> str:
    """The first region in the browser's languages (``es-MX`` -> ``MX``), else Spain."""
    for language in languages:
        parts = language.replace("_", "-").split("-")
        for part in parts[1:]:
            if part.upper() in REGIONS:
                return part.upper()
    return DEFAULT_REGION


def default_currency(region: str) -> str:
    """The currency a merchant in `region` most likely sells in (``MX`` -> ``MXN``)."""
    for code in get_territory_currencies(region) if region else ():
        if is_known_currency(code):
            return code
    return "USD"


def country_name(region: str, locale: str | None = None) -> str:
    names = _territory_names(locale or _current_locale())
    return names.get(region, region)


def country_choices(locale: str | None = None) -> list[tuple[str, str, dict]]:
    """``("ES", "España (+34)", {"data-currency": "EUR", "data-language": "es"})`` for
    every region, by name.

    The third item becomes attributes of the ``<option>`` (WTForms 3), so a little
    JavaScript can propose the country's currency and language.
    """
    return list(_country_choices(locale or _current_locale()))


@lru_cache(maxsize=16)
def _country_choices(locale: str) -> tuple[tuple[str, str, dict], ...]:
    names = _territory_names(locale)
    rows = []
    for region in REGIONS:
        code = phonenumbers.country_code_for_region(region)
        label = f"{names.get(region, region)} (+{code})"
        attrs = {"data-currency": default_currency(region)}
        language = region_language(region)
        if language:
            attrs["data-language"] = language
        rows.append((region, label, attrs))
    rows.sort(key=lambda row: sort_key(row[1]))
    return tuple(rows)


@lru_cache(maxsize=16)
def _territory_names(locale: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(locale).territories)
    except (UnknownLocaleError, ValueError):
        return dict(Locale.parse("en").territories)


def sort_key(text: str) -> str:
    """Accents do not move a name (Ísland sorts with the I's); close enough to collation."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _current_locale() -> str:
    return str(get_locale() or "en")
