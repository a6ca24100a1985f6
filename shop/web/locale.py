"""Which language and time zone a request speaks.

The dashboard follows the merchant's browser (or the language they picked); the
storefront and the WhatsApp message follow the shop's language; dates on a shop's
pages are in the shop's time zone.
"""

from __future__ import annotations

from flask import g, request, session

from shop.lib.hours import shop_zone
from shop.lib.locales import LANGUAGES


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
    g.page_timezone = shop_zone(shop)
