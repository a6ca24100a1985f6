"""Which language and number conventions a page speaks.

The dashboard follows the merchant's browser (or the language they picked); the
storefront and the WhatsApp message follow the shop's language. Money is written
with the shop's region when it shares the viewer's language, so a Mexican shop shows
``$1,234.50`` and a Spanish one ``1.234,50 €``.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from babel.core import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from flask import g, request, session
from flask_babel import get_locale

from .money import format_money

LANGUAGES = ("en", "es")
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    forced = g.get("page_language")
    if forced in LANGUAGES:
        return forced
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def use_shop_language(shop) -> None:
    """Make the rest of this request speak the shop's language (storefront pages)."""
    g.page_language = shop.language


def select_timezone() -> str:
    """Flask-Babel's time zone selector: the shop's, once a page has said which shop."""
    return g.get("page_timezone") or "UTC"


def use_shop_timezone(shop) -> None:
    """Write this request's dates in the shop's time zone: an order placed at 23:30 in
    Mexico City is placed on that day there, whatever the server's clock says."""
    from .hours import shop_zone  # hours formats times with this module's locales

    g.page_timezone = shop_zone(shop)


@lru_cache(maxsize=512)
def regional_locale(language: str, whatsapp: str) -> str:
    """``es`` + a Mexican number -> ``es_MX``, when the language is spoken there officially.

    An English-language shop in Spain keeps plain English conventions (``1,234.50``):
    the merchant chose English, not Spain's English-as-a-foreign-language locale.
    """
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(whatsapp))
    except phonenumbers.NumberParseException:
        return language
    if (
        not region
        or region == "ZZ"
        or language not in get_official_languages(region, de_facto=True)
    ):
        return language
    candidate = f"{language}_{region}"
    try:
        Locale.parse(candidate)
    except (UnknownLocaleError, ValueError):
        return language
    return candidate


def money_locale(shop) -> str:
    """The locale to read and write the shop's amounts in, for the current viewer."""
    viewer = str(get_locale() or shop.language).split("_")[0]
    if viewer == shop.language:
        return regional_locale(shop.language, shop.whatsapp)
    return viewer


def money(minor: int | None, shop) -> str:
    """Jinja filter: ``{{ item.price_minor|money(shop) }}``."""
    if minor is None:
        return ""
    return format_money(minor, shop.currency, shop.currency_exponent, money_locale(shop))
