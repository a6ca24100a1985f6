"""Which language and time zone a request speaks.

The dashboard follows the merchant's browser (or the language they picked); the
storefront follows the shop's language unless the shopper picked another one, which is
part of the URL (``?lang=en``: the pages stay cookie-free and cacheable per language);
the WhatsApp message is always in the shop's language, the merchant's. Dates on a
shop's pages are in the shop's time zone.
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
    picked = request.args.get(LANGUAGE_PARAM)  # a shopper's link to a page with no shop:
    if picked in LANGUAGES:  # an old link's "not found" speaks the language it asked for
        return picked
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


LANGUAGE_PARAM = "lang"


def page_language(picked: str | None, shop_language: str) -> str:
    """The language a storefront page speaks: the shopper's pick if the app speaks it,
    else the shop's. The fast path calls it with the query string's value too."""
    return picked if picked in LANGUAGES else shop_language


def use_shop_language(shop) -> None:
    """Make the rest of this request speak the shop's language, or the one the shopper
    picked in the URL (storefront pages). `shop` is anything with a ``language``: an
    order speaks the language it was placed in."""
    g.shop_language = shop.language
    g.page_language = page_language(request.args.get(LANGUAGE_PARAM), shop.language)
    g.shopper_language = g.page_language if g.page_language != shop.language else None


def shopper_language() -> str | None:
    """The language the shopper picked over the shop's, carried by the storefront's
    links (storefront.blueprint); None when the page speaks the shop's own."""
    return g.get("shopper_language")


def spoken_language() -> str | None:
    """The language this storefront request speaks, once a view has said which shop."""
    return g.get("page_language")


def select_timezone() -> str:
    """Flask-Babel's time zone selector: the shop's, once a page has said which shop."""
    return g.get("page_timezone") or "UTC"


def use_shop_timezone(shop) -> None:
    """Write this request's dates in the shop's time zone: an order placed at 23:30 in
    Mexico City is placed on that day there, whatever the server's clock says."""
    g.page_timezone = shop_zone(shop)
