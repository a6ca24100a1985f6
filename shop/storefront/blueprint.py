"""The shopper's blueprint: public pages, no sign-in, no cookies.

Its paths get no session at all (shop.web.sessions, set up by shop/pipeline.py), and
the fast path in front of Flask answers its kept pages (shop.storefront.fast).
"""

from functools import lru_cache

from babel.core import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Blueprint

from shop.lib.locales import money_locale
from shop.lib.money import format_money, shown_digits
from shop.storefront.loading import to_shop_host
from shop.web.caching import PRIVATE_CACHE

bp = Blueprint("storefront", __name__)
bp.before_request(to_shop_host)


@bp.after_request
def default_headers(response):
    """What a view did not mark as cacheable is not stored anywhere."""
    response.headers.setdefault("Cache-Control", PRIVATE_CACHE)
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.context_processor
def storefront_helpers() -> dict:
    return {"js_locale": js_locale, "money_format": money_format}


def js_locale(shop) -> str:
    """The shop's locale as a BCP 47 tag (``es-ES``), for the page and og:locale."""
    return money_locale(shop).replace("_", "-")


def money_format(shop) -> dict:
    """How the cart script writes amounts exactly as Babel does on the server.

    Browsers' Intl data differs from Babel's for some locales (``en-ES``), so the
    script gets the pieces instead: what comes before and after the digits, the
    separators, the grouping and the number of decimals. It then works in integer
    minor units, never floats.
    """
    return _money_format(money_locale(shop), shop.currency, shop.currency_exponent)


@lru_cache(maxsize=256)
def _money_format(locale: str, currency: str, exponent: int) -> dict:
    zero = format_money(0, currency, exponent, locale)
    digits = [i for i, char in enumerate(zero) if char.isdigit()]
    pattern = Locale.parse(locale).currency_formats["standard"]
    primary, secondary = pattern.grouping
    return {
        "prefix": zero[: digits[0]],
        "suffix": zero[digits[-1] + 1 :],
        "decimal": get_decimal_symbol(locale),
        "group": get_group_symbol(locale),
        "primary": primary,
        "secondary": secondary,
        # The shop's stored exponent, and the decimals shown when an amount has
        # nothing beyond them (shop.lib.money.shown_digits): COP $1.234.567, not ,00.
        "decimals": exponent,
        "usual": shown_digits(0, currency, exponent),
    }
