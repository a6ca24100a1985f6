"""The app's languages and the number conventions an amount is written in.

Money is written with the shop's region when it shares the viewer's language, so a
Mexican shop shows ``$1,234.50`` and a Spanish one ``1.234,50 €``. Which language a
request speaks is chosen in shop.web.locale.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from babel import localedata
from babel.core import Locale, UnknownLocaleError, get_global
from babel.languages import get_official_languages
from flask_babel import get_locale

from shop.lib.money import format_money

# The languages the app speaks, each with a catalog in shop/translations/<code>/. Adding
# one is this line and a .po file (docs/translations.md): a code with a region
# (``pt_BR``) writes amounts and dates in that region's conventions wherever it is shown.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "pt_BR": "Português (Brasil)"}
LANGUAGES = tuple(LANGUAGE_NAMES)


def app_language(tag: str | None) -> str | None:
    """The app's language for a locale or browser tag (``pt``, ``pt-BR``, ``pt_PT`` ->
    ``pt_BR``; ``es_MX`` -> ``es``), or None when the app does not speak it."""
    tag = (tag or "").replace("-", "_")
    if tag in LANGUAGES:
        return tag
    base = tag.split("_")[0].lower()
    return next((code for code in LANGUAGES if code.split("_")[0] == base), None)


def html_lang(code: str) -> str:
    """``pt_BR`` -> ``pt-BR``: the BCP 47 tag HTML's lang and hreflang want."""
    return code.replace("_", "-")


def region_language(region: str) -> str | None:
    """The app's language people in `region` most likely read (``MX`` -> ``es``), or None
    where neither is spoken officially (then the merchant's browser decides)."""
    for language in get_official_languages(region, de_facto=True) if region else ():
        if app_language(language):
            return app_language(language)
    return None


@lru_cache(maxsize=512)
def regional_locale(language: str, whatsapp: str) -> str:
    """``es`` + a Mexican number -> ``es_MX``, when the language is spoken there officially.

    An English-language shop in Spain keeps plain English conventions (``1,234.50``):
    the merchant chose English, not Spain's English-as-a-foreign-language locale. A
    language with its own region (``pt_BR``) keeps it: ``R$ 1.234,56`` everywhere.
    """
    if "_" in language:
        return language
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


def regional_locales(language: str) -> tuple[str, ...]:
    """Every locale regional_locale can give shops of `language` (``es_MX``, ``es_AR``
    and the other regions where it is spoken officially), the language itself first."""
    if "_" in language:
        return (language,)
    regions = get_global("territory_languages")
    found = [
        f"{language}_{region}"
        for region in sorted(regions)
        if language in get_official_languages(region, de_facto=True)
        and localedata.exists(f"{language}_{region}")
    ]
    return (language, *found)


def shop_locale(shop) -> str:
    """The shop's own number format (``es_ES``, ``es_MX``, ``en``): the one its amount
    fields hint at and write back, whatever language the merchant's browser speaks."""
    return regional_locale(shop.language, shop.whatsapp)


def money_locale(shop) -> str:
    """The locale to read and write the shop's amounts in, for the current viewer."""
    viewer = get_locale()
    return _money_locale(str(viewer) if viewer else "", shop.language, shop.whatsapp)


@lru_cache(maxsize=1024)
def _money_locale(viewer: str, language: str, whatsapp: str) -> str:
    """money_locale's answer, worked out once per viewer's locale and shop (a page
    writes several amounts)."""
    spoken = app_language(viewer or language) or language
    if spoken == language:
        return regional_locale(language, whatsapp)
    return spoken


def money(minor: int | None, shop) -> str:
    """Jinja filter: ``{{ item.price_minor|money(shop) }}``."""
    if minor is None:
        return ""
    return format_money(minor, shop.currency, shop.currency_exponent, money_locale(shop))
