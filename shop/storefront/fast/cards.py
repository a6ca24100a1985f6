"""The shop page's product cards, written in Python because there can be a thousand.

A 200-product page written the obvious way spends most of its time on a url_for per
link (about 10 µs each), a Babel call per price (30 µs) and Jinja's escaping of every
expression. Here each URL pattern is built once per page and filled in by string
joins, each price is formatted once per process (a pure function of amount, currency,
exponent and locale), and each card is one format string with its values escaped once.

Written cards are remembered by everything they are made of (the item's row, the
URL patterns, the locale, the labels, how the picture loads), so they can never be
stale: after a merchant's edit the page is rendered again, but only the cards that
changed are written again.

Why not a Jinja macro (tried for issue 13, with the same HTML byte for byte): a
macro wraps every ``{{ }}`` in a Markup object and runs Jinja's runtime per call,
about 37 µs a card against 11 µs here. In-process CPU per request for the
200-product shop page (PAGE_CACHE=off, gzip, median of three rounds):

- first render with every card written (a restarted process, a deploy, a change of
  language or labels): 3.4 ms here, 8.6 ms with the macro;
- first render with the cards remembered (benchmarks/cpu.py's case): 1.20 ms either
  way, since a remembered card is not written at all.

Remembering hides the macro's cost only until the process restarts; a viral shop's
first page after a deploy would take 5 ms more. So the cards stay in Python.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape

from shop.catalog.availability import CARD_CHOOSE, CARD_SOLD_OUT
from shop.lib.locales import money_locale
from shop.lib.money import format_money
from shop.media.names import closest_width, rendition_name
from shop.media.urls import media_pattern, media_url
from shop.storefront.fast.caching import site_of
from shop.storefront.fast.first_view import first_view
from shop.storefront.fast.parts import part
from shop.storefront.fast.rows import CardRow, ImageView, ItemView, Section, shop_sections
from shop.storefront.hosts import ENVIRON_SHOP_HOST
from shop.web.locale import shopper_language

# The first cards are likely above the fold on a phone: load them at once, and the
# first row first of all (it is usually the page's largest paint).
EAGER_IMAGES = 4
PRIORITY_IMAGES = 2
CARD_WIDTH = 320  # the src; srcset offers up to CARD_MAX_WIDTH for sharp screens
CARD_MAX_WIDTH = 640
_SENTINEL_ID = 987654321
_SENTINEL_PART = 99991  # within the part route's numbers (2 to 100000)


@lru_cache(maxsize=16384)
def money_html(minor: int, currency: str, exponent: int, locale: str) -> str:
    """A price as HTML; a pure function of its arguments, so formatted once per process."""
    return str(escape(format_money(minor, currency, exponent, locale)))


def _escaped(parts: tuple[str, str] | None) -> tuple[str, str] | None:
    return None if parts is None else (str(escape(parts[0])), str(escape(parts[1])))


def _split(url: str, part: str) -> tuple[str, str] | None:
    """("/s/x/p/", "") from ("/s/x/p/987654321", "987654321"); None if not that simple."""
    if url.count(part) != 1:
        return None
    before, after = url.split(part)
    return before, after


class CardContext(NamedTuple):
    """Everything a card's HTML depends on besides its item and labels: escaped URL
    patterns and the money locale. A tuple, so remembering written cards hashes it in
    C (a dataclass's hash, in Python, was a tenth of a page's cards)."""

    product_html: tuple[str, str]
    media_html: tuple[str, str]
    money_locale: str
    currency: str
    currency_exponent: int

    def product_url(self, item_id: int) -> str:
        return f"{self.product_html[0]}{item_id}{self.product_html[1]}"

    def media_url(self, key: str, width: int) -> str:
        return rendition_name(key, width).join(self.media_html)

    def money(self, minor: int) -> str:
        return money_html(minor, self.currency, self.currency_exponent, self.money_locale)


Pattern = tuple[str, str] | None


def _patterns(slug: str) -> tuple[Pattern, Pattern, Pattern]:
    """The product, media and catalog part URL patterns: (before, after) each, or None
    when URLs of that kind are not that simple."""
    product = _split(
        url_for("storefront.product_page", slug=slug, item_id=_SENTINEL_ID), str(_SENTINEL_ID)
    )
    return product, media_pattern(), _part_pattern(slug)


def _part_pattern(slug: str) -> Pattern:
    """A part's URL around "<category>/<number>"; the first part's has no number."""
    section, number = str(_SENTINEL_ID), _SENTINEL_PART
    values = {"slug": slug, "section": section}
    found = _split(url_for(_PART, number=number, **values), f"{section}/{number}")
    if found is not None and url_for(_PART, number=1, **values) != section.join(found):
        return None
    return found


_PART = "storefront.shop_part"


PATTERNS = "vitrina.url_patterns"
MAX_PATTERNS = 4096


def url_patterns(slug: str):
    """_patterns, kept per app by everything the URLs depend on (the shop, the site
    address and shop host of the request, the settings that place shops and media):
    three url_for calls were a twentieth of a 200-product page."""
    app = current_app._get_current_object()
    environ = request.environ
    key = (
        slug,
        site_of(environ),
        environ.get(ENVIRON_SHOP_HOST),
        app.config.get("SHOP_DOMAIN"),
        app.config.get("MEDIA_BASE_URL"),
        shopper_language(),  # product links carry the shopper's language
    )
    kept = app.extensions.setdefault(PATTERNS, {})
    patterns = kept.get(key)
    if patterns is None:
        if len(kept) >= MAX_PATTERNS:
            kept.clear()
        patterns = kept[key] = _patterns(slug)
    return patterns


def part_links(slug: str) -> Callable[[str, int], str]:
    """A function writing the link to part `number` of a big catalog's category `key`
    (its id, or "other": nothing to escape) from the kept pattern: the shop page links
    to every category it leaves for later, and a url_for each was a tenth of a worker's
    first render."""
    pattern = url_patterns(slug)[2]

    def part_url(key: str, number: int) -> str:
        if pattern is None:
            return url_for(_PART, slug=slug, section=key, number=number)
        return (key if number == 1 else f"{key}/{number}").join(pattern)

    return part_url


class Links:
    """The URLs a page repeats for every item, built once per page."""

    def __init__(self, shop) -> None:
        self._slug = shop.slug
        self._product, self._media = url_patterns(shop.slug)[:2]
        self.money_locale = money_locale(shop)
        self.currency = shop.currency
        self.currency_exponent = shop.currency_exponent
        self._product_html = _escaped(self._product)
        self._media_html = _escaped(self._media)
        self.context = None
        if self._product_html is not None and self._media_html is not None:
            self.context = CardContext(
                self._product_html,
                self._media_html,
                self.money_locale,
                self.currency,
                self.currency_exponent,
            )

    def product(self, item_id: int) -> str:
        if self._product is None:
            return url_for("storefront.product_page", slug=self._slug, item_id=item_id)
        return f"{self._product[0]}{item_id}{self._product[1]}"

    def media(self, name: str) -> str:
        return media_url(name) if self._media is None else name.join(self._media)

    def image(self, image: ImageView, width: int) -> str:
        """The rendition closest to `width` (a tie goes to the larger one)."""
        best = closest_width(image.widths, width)
        return self.media(rendition_name(image.key, best))

    def srcset(self, image: ImageView, max_width: int | None = None) -> str:
        widths = sorted(image.widths)
        if max_width is not None:
            widths = [w for w in widths if w <= max_width] or widths[:1]
        return ", ".join(f"{self.media(rendition_name(image.key, w))} {w}w" for w in widths)

    # What CardContext offers, for media URLs it cannot build (escaped for HTML).

    def product_url(self, item_id: int) -> str:
        if self._product_html is None:
            return escape(self.product(item_id))
        return f"{self._product_html[0]}{item_id}{self._product_html[1]}"

    def media_url(self, key: str, width: int) -> str:
        name = rendition_name(key, width)
        if self._media_html is None:
            return escape(self.media(name))
        return name.join(self._media_html)

    def money(self, minor: int) -> str:
        return money_html(minor, self.currency, self.currency_exponent, self.money_locale)


class Labels(NamedTuple):
    """The words every card repeats, translated (and escaped) once per page."""

    add: str
    before: str
    sold_out: str
    choose: str = "Choose"

    @classmethod
    def of(cls, add: str, before: str, sold_out: str, choose: str = "Choose") -> Labels:
        return cls(escape(add), escape(before), escape(sold_out), escape(choose))


def card_labels() -> Labels:
    """The cards' words in this request's language (Flask-Babel's gettext costs some
    20 µs a call: they are looked up once per language)."""
    return _labels_in(str(get_locale()))


@lru_cache(maxsize=64)
def _labels_in(_locale: str) -> Labels:
    return Labels.of(add=_("Add"), before=_("Before:"), sold_out=_("Sold out"), choose=_("Choose"))


# A card is written here rather than in a template (see the module's docstring).
# Every value put in is escaped, or is a number, or is a URL made of escaped parts.
SIZES = "(min-width: 1100px) 260px, (min-width: 700px) 31vw, 48vw"
NO_IMAGE = '<span class="card-image card-noimage" aria-hidden="true">{}</span>'


def initial(name: str) -> str:
    """The first letter or digit of a name (its placeholder when it has no photo)."""
    return next((char.upper() for char in name if char.isalnum()), "")


@lru_cache(maxsize=256)
def card_widths(widths: str) -> tuple[int, tuple[int, ...]]:
    """The card's src width and srcset widths, for an image with these renditions
    (``"[320, 640, 1280]"`` -> 320 and (320, 640))."""
    available = json.loads(widths) or [CARD_WIDTH]
    src = closest_width(available, CARD_WIDTH)
    srcset = tuple(w for w in sorted(available) if w <= CARD_MAX_WIDTH) or (min(available),)
    return src, srcset


def card_html(item: CardRow, links: CardContext | Links, labels: Labels, position: int) -> str:
    """One product card: picture, name, price, and the "Add" button (or "Sold out")."""
    name = escape(item.name)
    key = item.image_key
    if key is None:
        image = NO_IMAGE.format(escape(initial(item.name)))
    else:
        src, widths = card_widths(item.image_widths or f"[{item.image_width}]")
        srcset = ", ".join(f"{links.media_url(key, w)} {w}w" for w in widths)
        if position < PRIORITY_IMAGES:
            load = ' fetchpriority="high"'
        elif position < EAGER_IMAGES:
            load = ""
        else:
            load = ' loading="lazy"'
        image = (
            f'<img class="card-image" src="{links.media_url(key, src)}"'
            f' srcset="{srcset}" sizes="{SIZES}" width="{int(item.image_width)}"'
            f' height="{int(item.image_height)}" alt=""{load} decoding="async">'
        )
    sold_out = item.state == CARD_SOLD_OUT
    if sold_out:
        action = f'<p class="sold-out">{labels.sold_out}</p>'
    elif item.state == CARD_CHOOSE:  # sizes, colours, extras: chosen on the product page
        action = (
            f'<a class="button small card-add" href="{links.product_url(item.id)}">'
            f'{labels.choose}<span class="visually-hidden"> {name}</span></a>'
        )
    else:
        service = ' data-service="1"' if item.is_service else ""
        action = (
            f'<button type="button" class="button small card-add" data-add'
            f' data-item-id="{int(item.id)}" data-price="{int(item.price_minor)}"{service}'
            f'>{labels.add}<span class="visually-hidden"> {name}</span></button>'
        )
    compare_at = item.compare_at_minor
    was = (
        f' <s class="price-was"><span class="visually-hidden">{labels.before} </span>'
        f"{links.money(compare_at)}</s>"
        if compare_at and compare_at > item.price_minor
        else ""
    )
    code = f' data-code="{escape(item.code)}"' if item.code else ""
    return (
        f'<li class="card{" is-sold-out" if sold_out else ""}"{code}>\n'
        f'<a class="card-link" href="{links.product_url(item.id)}">{image}'
        f'<span class="card-name">{name}</span></a>\n'
        f'<p class="price card-price"><span class="price-now">'
        f"{links.money(item.price_minor)}</span>{was}</p>\n{action}\n</li>\n"
    )


@dataclass(frozen=True, slots=True)
class Preload:
    """The picture the page's largest paint will likely be, for a <link rel=preload>."""

    src: str
    srcset: str
    sizes: str


def first_card_image(sections: list[Section], links: Links) -> Preload | None:
    """The first card's picture: on a phone it is above the fold and the largest thing."""
    row = next((item for section in sections for item in section.items), None)
    first = None if row is None else CardRow(*row)
    if first is None or first.image_key is None:
        return None
    key = first.image_key
    src, widths = card_widths(first.image_widths or f"[{first.image_width}]")
    srcset = ", ".join(f"{links.media(rendition_name(key, w))} {w}w" for w in widths)
    return Preload(links.media(rendition_name(key, src)), srcset, SIZES)


def loading(position: int) -> int:
    """The first position that loads its picture the way `position` does."""
    if position < PRIORITY_IMAGES:
        return 0
    return PRIORITY_IMAGES if position < EAGER_IMAGES else EAGER_IMAGES


@lru_cache(maxsize=4096)
def remembered_card(row: tuple, context: CardContext, labels: Labels, position: int) -> str:
    """A card already written, found by everything it is made of (so never stale):
    after a merchant's edit the page is rendered again, but only the changed cards
    are written. `row` is the items statement's plain tuple, named only if written."""
    return card_html(CardRow(*row), context, labels, position)


@lru_cache(maxsize=512)
def remembered_cards(
    rows: tuple[tuple, ...], context: CardContext, labels: Labels, start: int
) -> bytes:
    """A section's cards, UTF-8, found by everything they are made of: one lookup for
    a section whose items did not change (most of them, after an edit), instead of
    one per card. `start` is the first card's position, or EAGER_IMAGES for any
    later one (from there on every picture loads lazily)."""
    return "".join(
        remembered_card(row, context, labels, loading(start + number))
        for number, row in enumerate(rows)
    ).encode()


def shop_cards(shop, query: str = "") -> tuple[list[Section], list[Section], Preload | None]:
    """The shop page's sections (a search's only, with `query`) with their cards' HTML
    written, the categories left for later in a big catalog (parts.py: no cards, and
    none written), and the picture to preload: the first card's."""
    links = Links(shop)
    if query:
        sections, later = shop_sections(shop, query), []
    else:
        sections, later = first_view(shop)
    sections = card_lists(sections, links, card_labels())
    return sections, later, first_card_image(sections, links)


def part_cards(shop, key: str, number: int) -> Section | None:
    """Part `number` of a category (parts.py) with its cards' HTML; None if none."""
    section = part(shop, key, number)
    if section is None:
        return None
    links = Links(shop)
    card_lists([section], links, card_labels(), start=EAGER_IMAGES)  # below the fold
    return section


def card_lists(
    sections: list[Section], links: Links, labels: Labels, start: int = 0
) -> list[Section]:
    """The sections, each with the HTML of its cards (the first ones load first;
    `start` is the first card's place on the page)."""
    context = links.context
    position = start
    for section in sections:
        if context is None:  # URLs that are not a prefix and a name: no remembering
            section.cards = "".join(
                card_html(CardRow(*row), links, labels, position + number)
                for number, row in enumerate(section.items)
            ).encode()
        else:
            start = min(position, EAGER_IMAGES)
            section.cards = remembered_cards(tuple(section.items), context, labels, start)
        position += len(section.items)
    return sections


@dataclass(frozen=True, slots=True)
class Slide:
    src: str
    srcset: str
    width: int
    height: int


GALLERY_SIZES = "(min-width: 800px) 50vw, 100vw"


def product_images(shop, item: ItemView) -> list[Slide]:
    """The product page's gallery: every photo, every width."""
    links = Links(shop)
    return [
        Slide(links.image(image, 640), links.srcset(image), image.width, image.height)
        for image in item.images
    ]
