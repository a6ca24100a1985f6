"""The shopper's blueprint: public pages, no sign-in, no cookies.

Its paths get no session at all (shop.web.sessions, set up by shop/pipeline.py), and
the fast path in front of Flask answers its kept pages (shop.storefront.fast).
"""

from functools import lru_cache
from urllib.parse import urlsplit

from babel.core import Locale
from babel.lists import format_list
from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Blueprint, g, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from shop.lib.locales import LANGUAGE_NAMES, LANGUAGES, html_lang, money_locale
from shop.lib.money import format_money, shown_digits
from shop.lib.pixels import shop_pixels
from shop.storefront.fast import cart_messages
from shop.storefront.loading import to_shop_host
from shop.web.caching import PRIVATE_CACHE
from shop.web.locale import LANGUAGE_PARAM, shopper_language, spoken_language
from shop.web.translating import gettext as _

bp = Blueprint("storefront", __name__)
bp.before_request(to_shop_host)


# The pages a shopper moves between: they keep the language the shopper picked.
SHOPPER_PAGES = frozenset(
    "storefront." + name
    for name in (
        "shop_page",
        "shop_part",
        "product_page",
        "cart_page",
        "product_checkout",
        "checkout",
        "order_page",
        "privacy_page",
    )
)


@bp.url_defaults
def carry_shopper_language(endpoint: str, values: dict) -> None:
    """Links between the shopper's pages keep a language picked over the shop's; a link
    given ``lang=None`` (the shop's own language, the order link in the message) does not."""
    picked = shopper_language()
    if picked and endpoint in SHOPPER_PAGES:
        values.setdefault(LANGUAGE_PARAM, picked)


@bp.after_request
def default_headers(response):
    """What a view did not mark as cacheable is not stored anywhere."""
    response.headers.setdefault("Cache-Control", PRIVATE_CACHE)
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.context_processor
def storefront_helpers() -> dict:
    return {
        "js_locale": js_locale,
        "money_format": money_format,
        "language_switch": language_switch,
        "shop_scope": shop_scope,
        "shop_pixels": shop_pixels,
        "pixel_receivers": pixel_receivers,
        "cart_messages": cart_messages,
    }


def pixel_receivers(pixels: dict[str, str]) -> str:
    """Who gets the data of a shop's pixels, named for the consent banner and privacy
    page: "Meta (Facebook, Instagram) and Google", in the page's language."""
    names = {"meta": _("Meta (Facebook, Instagram)"), "ga4": _("Google")}
    chosen = [names[name] for name in ("meta", "ga4") if name in pixels]
    return format_list(chosen, locale=str(get_locale() or "en"))


def shop_scope(slug: str) -> str:
    """The path the shop's pages live under: ``/s/<slug>``, or ``/`` on its own host
    (a home-screen app and its service worker stay within it)."""
    return urlsplit(url_for("storefront.shop_page", slug=slug, lang=None)).path or "/"


def language_links() -> list[tuple[str, str, str]]:
    """The shopper's one-tap switch: (code, name, URL of this page in that language)
    for each other language the app speaks. The shop's own language is the plain URL,
    so a page has one address per language and caches keep each."""
    if request.method != "GET" or request.endpoint not in SHOPPER_PAGES:
        return []
    spoken = spoken_language()
    args = {
        **(request.view_args or {}),
        **{name: value for name, value in request.args.items() if name != LANGUAGE_PARAM},
    }
    # One URL built: url_for writes the language last in the query, and a language's
    # code needs no escaping, so each other link is this one with `lang=<code>` added
    # (three url_for calls were a fourteenth of a product page).
    plain = url_for(request.endpoint, **args, lang=None)
    joiner = "&" if "?" in plain else "?"
    links = []
    for code in LANGUAGES:
        if code == spoken:
            continue
        own = code == g.get("shop_language")
        url = plain if own else f"{plain}{joiner}{LANGUAGE_PARAM}={code}"
        links.append((code, LANGUAGE_NAMES[code], url))
    return links


# The switch in the shop's bar: the other language as one link, or several in a menu
# (one slot in the bar however many languages there are: a long shop name keeps its
# room). Written here, not in the layout: it is a hole every framed page fills
# (shop.storefront.fast.framed), and in Jinja it was a tenth of a product page.
_ONE_LANGUAGE = (
    '\n    <a class="shop-language" href="{url}" hreflang="{tag}" lang="{tag}" '
    'aria-label="{name}">{short}</a>'
)
_LANGUAGES = (
    '\n    <details class="shop-languages">'
    '\n      <summary class="shop-language" aria-label="{label}">{short}</summary>'
    "\n      <ul>{choices}\n      </ul>\n    </details>"
)
_LANGUAGE_CHOICE = (
    '\n        <li><a class="shop-language-choice" href="{url}" hreflang="{tag}" lang="{tag}">'
    "{name}</a></li>"
)


def language_switch() -> Markup:
    """The shop bar's language switch for this page (template helper): language_links
    as HTML, nothing when there is no other language."""
    links = language_links()
    if len(links) == 1:
        ((code, name, url),) = links
        return Markup(  # noqa: S704 - every value escaped
            _ONE_LANGUAGE.format(
                url=escape(url), tag=html_lang(code), name=escape(name), short=code[:2].upper()
            )
        )
    if not links:
        return Markup()
    choices = "".join(
        _LANGUAGE_CHOICE.format(url=escape(url), tag=html_lang(code), name=escape(name))
        for code, name, url in links
    )
    return Markup(  # noqa: S704 - every value escaped
        _LANGUAGES.format(
            label=escape(_("Language")), short=str(get_locale())[:2].upper(), choices=choices
        )
    )


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
