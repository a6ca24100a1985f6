"""What the public pages show, read as plain rows: one statement for the shop, one for the rest.

Public pages are read far more often than they change, and when a post goes viral every
statement and every ORM object counts. These readers select only the columns a page
shows, as plain rows (no identity map, no lazy loads), so a shop or product page costs
two statements whatever the size of the catalog, and a cached page or a 304 costs one.
The small classes below have the attribute names of the models they stand for, so the
templates and helpers (image_url, money, link cards) take either, and each field
names the column it is read from (columns.py): the statements are made of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from flask import abort, request
from markupsafe import Markup
from sqlalchemy import (
    Integer,
    String,
    bindparam,
    cast,
    or_,
    select,
    type_coerce,
)

from shop.catalog.availability import CARD_STATE
from shop.extensions import db
from shop.lib.pixels import shop_pixel_sources
from shop.lib.text import LIKE_ESCAPE, escape_like
from shop.models import (
    Availability,
    Category,
    Image,
    Item,
    ItemPhoto,
    OptionChoice,
    OptionGroup,
    Shop,
)
from shop.storefront.fast.columns import column, columns, position
from shop.storefront.fast.plain_sql import PlainSelect
from shop.storefront.hosts import remember_domains
from shop.storefront.loading import shop_or_404
from shop.storefront.unavailable import abort_if_suspended
from shop.web.headers import allow_sources
from shop.web.locale import use_shop_language


@dataclass(frozen=True, slots=True)
class ImageView:
    key: str
    width: int
    height: int
    widths: tuple[int, ...]


# The widths as text, parsed once per distinct value (they repeat: "[320, 640, 1280]").
WIDTHS_TEXT = cast(Image.widths, String)


@dataclass(frozen=True, slots=True)
class ShopView:
    """A shop as its public pages show it. Every column as the driver gives it
    (type_coerce converts nothing): a 304 needs four of them, and each conversion
    would cost more than the statement."""

    id: int = column(Shop.id)
    slug: str = column(Shop.slug)
    name: str = column(Shop.name)
    description: str = column(Shop.description)
    whatsapp: str = column(Shop.whatsapp)
    currency: str = column(Shop.currency)
    currency_exponent: int = column(Shop.currency_exponent)
    language: str = column(Shop.language)
    paused: bool | int = column(type_coerce(Shop.paused, Integer))
    pause_message: str = column(Shop.pause_message)
    catalog_version: int = column(Shop.catalog_version)
    # As the driver gives it (text on SQLite): the ETag's only.
    created_at: datetime | str = column(type_coerce(Shop.created_at, String))
    suspended: bool | int = column(type_coerce(Shop.suspended_at.is_not(None), Integer))
    logo_key: str | None = column(Image.key)
    logo_width: int | None = column(Image.width)
    logo_height: int | None = column(Image.height)
    logo_widths: str | None = column(WIDTHS_TEXT)
    # The ordering rules a public page shows (shop.ordering.rules, shop.lib.hours).
    min_order_minor: int = column(Shop.min_order_minor)
    time_zone: str = column(Shop.time_zone)
    opening_hours_json: str | None = column(cast(Shop.opening_hours, String))
    closed_policy: str = column(type_coerce(Shop.closed_policy, String))  # a ClosedPolicy value
    ask_phone: str = column(type_coerce(Shop.ask_phone, String))  # a PhonePolicy value
    # Ads pixels (shop.lib.pixels): None = off.
    meta_pixel_id: str | None = column(Shop.meta_pixel_id)
    ga4_measurement_id: str | None = column(Shop.ga4_measurement_id)
    # Where delivery distances start (shop.ordering.zones): the cart estimates a fee.
    latitude: float | None = column(Shop.latitude)
    longitude: float | None = column(Shop.longitude)
    # The shop's own live domain (shop.shops.domains): canonical links name it.
    custom_domain: str | None = column(Shop.custom_domain)

    @property
    def logo(self) -> ImageView | None:
        """The logo, made when a page shows it, not for every 304."""
        return image_view(self.logo_key, self.logo_width, self.logo_height, self.logo_widths)

    @property
    def opening_hours(self) -> dict | None:
        """The week's hours (shop.lib.hours), parsed when a page shows them, not per 304."""
        return _json(self.opening_hours_json)


@dataclass(frozen=True, slots=True)
class ChoiceView:
    id: int = column(OptionChoice.id)
    name: str = column(OptionChoice.name)
    price_delta_minor: int = column(OptionChoice.price_delta_minor)


@dataclass(slots=True)
class GroupView:
    id: int = column(OptionGroup.id)
    name: str = column(OptionGroup.name)
    kind: str = column(OptionGroup.kind)  # an OptionKind value
    is_variant: bool = column(OptionGroup.is_variant)
    min_choices: int = column(OptionGroup.min_choices)
    max_choices: int = column(OptionGroup.max_choices)
    choices: list[ChoiceView] = field(default_factory=list)

    @property
    def defines_variant(self) -> bool:
        return bool(self.is_variant)  # SQLite gives 1 or 0


@dataclass(slots=True)
class ItemView:
    """An item as its product page shows it (product_rows.py)."""

    id: int = column(Item.id)
    name: str = column(Item.name)
    price_minor: int = column(Item.price_minor)
    compare_at_minor: int | None = column(Item.compare_at_minor)
    code: str = column(Item.code)
    availability: Availability = column(Item.availability)
    is_service: bool = column(Item.is_service)
    description: str = column(Item.description)
    stock: int | None = column(Item.stock)
    images: list[ImageView] = field(default_factory=list)
    groups: list[GroupView] = field(default_factory=list)
    sold_out_variants: frozenset[str] = frozenset()  # options.combination_key of each
    variants_sold_out: bool = False  # all of them: sold out (sold_out.py)

    @property
    def cover(self) -> ImageView | None:
        return self.images[0] if self.images else None


@dataclass(slots=True)
class CardRow:
    """An item as its card shows it: a row of the shop page's statement, with the
    driver's values (is_service is 0/1 on SQLite, a boolean on PostgreSQL; no
    conversion per value of a thousand rows). Rows stay plain tuples until a card is
    written (cards.py): most never are, their card being remembered."""

    id: int = column(Item.id)
    name: str = column(Item.name)
    price_minor: int = column(Item.price_minor)
    compare_at_minor: int | None = column(Item.compare_at_minor)
    code: str = column(Item.code)
    is_service: bool | int = column(type_coerce(Item.is_service, Integer))
    category_id: int | None = column(Category.id)
    category_name: str | None = column(Category.name)
    image_key: str | None = column(Image.key)  # the cover photo, if any
    image_width: int | None = column(Image.width)
    image_height: int | None = column(Image.height)
    image_widths: str | None = column(WIDTHS_TEXT)  # JSON text, e.g. "[320, 640, 1280]"
    state: int = column(CARD_STATE)  # CARD_ADD, CARD_CHOOSE (options) or CARD_SOLD_OUT


@dataclass(slots=True)
class Section:
    """A category heading and its items; `category_id` None is the final "Other" section."""

    category_id: int | None
    category_name: str | None
    items: list[tuple] = field(default_factory=list)  # rows of CardRow's columns
    cards: bytes = b""  # their cards' HTML, UTF-8, once written (cards.card_lists)
    # A big catalog comes in parts (parts.py): the category's visible items in all,
    # the part `items` are (0: none of them, only a link), and whether one follows.
    total: int = 0
    part: int = 1
    more: bool = False

    @property
    def html(self) -> Markup:
        """The cards, for a template (a search's page, a new frame)."""
        return Markup(self.cards.decode())  # noqa: S704 - escaped when written (cards.py)

    @property
    def key(self) -> str:
        """The category in a part's URL: its id, or "other"."""
        return str(self.category_id) if self.category_id is not None else OTHER

    @property
    def anchor(self) -> str:
        return f"c-{self.key}"


OTHER = "other"  # the uncategorised items' section, in URLs and anchors

# Where the fast path leaves the shop it read, (slug, ShopView or None), and the
# connection it read it on.
ENVIRON_SHOP = "vitrina.shop"
ENVIRON_CONNECTION = "vitrina.connection"
# Statements are built once: building one costs more than running it on a small table.
_SHOP_BY_SLUG = PlainSelect(
    select(*columns(ShopView))
    .outerjoin(Image, Image.id == Shop.logo_id)
    .where(Shop.slug == bindparam("slug"))
)


@lru_cache(maxsize=4096)
def image_view(key, width, height, widths) -> ImageView | None:
    """An image from its columns (the widths as JSON text); made once per distinct
    image and shared, as views are never modified (a logo shows thrice a page)."""
    return None if key is None else ImageView(key, width, height, _widths(widths) or (width,))


@lru_cache(maxsize=256)
def _widths(text: str | None) -> tuple[int, ...]:
    return tuple(json.loads(text)) if text else ()


@lru_cache(maxsize=1024)
def _json(text: str | None):
    """Parsed once per distinct text; shared between requests, so never modified."""
    return None if text is None else json.loads(text)


def connection():
    """Where public pages read: the fast path's own connection when it lent one (one
    per thread, in autocommit: no session, checkout or transaction to set up for a few
    SELECTs), else the request's session.

    Without one transaction around them, the shop row and its items may come from two
    moments; the page is then kept under the older catalog_version with newer items,
    a key no request asks for once the newer version is committed. Never stale.
    """
    lent = request.environ.get(ENVIRON_CONNECTION)
    return lent if lent is not None else db.session.connection()


def read_shop(connection, slug: str) -> ShopView | None:
    """The shop whose current slug is `slug`, in one small indexed statement."""
    row = _SHOP_BY_SLUG.first(connection, slug=slug)
    return None if row is None else ShopView(*row)  # the statement is ShopView's columns


def public_shop(slug: str) -> ShopView:
    """The shop behind ``/s/<slug>``; the rest of the request speaks its language.

    Only the current slug is served here; anything else (an old slug, another
    spelling, no such shop) goes through shop_or_404, which redirects or ends in 404.
    The fast path (middleware.py) may have read the shop already: it is not read again.
    """
    known = request.environ.get(ENVIRON_SHOP)
    shop = known[1] if known is not None and known[0] == slug else read_shop(connection(), slug)
    if shop is None:
        shop_or_404(slug)  # redirects to the current slug, or 404
        abort(404)  # pragma: no cover - shop_or_404 always ends the request here
    abort_if_suspended(shop)
    use_shop_language(shop)
    allow_sources(shop_pixel_sources(shop))
    remember_domains({shop.slug: shop.custom_domain})  # links need no statement of their own
    return shop


# The id of an item's cover photo (its lowest position), for a statement on items.
COVER_IMAGE_ID = (
    select(ItemPhoto.image_id)
    .where(ItemPhoto.item_id == Item.id)
    .order_by(ItemPhoto.position, ItemPhoto.id)
    .limit(1)
    .correlate(Item)
    .scalar_subquery()
)
_ITEMS = (
    select(*columns(CardRow))
    .outerjoin(Category, Category.id == Item.category_id)
    .outerjoin(Image, Image.id == COVER_IMAGE_ID)
    .where(Item.shop_id == bindparam("shop_id"), Item.availability != Availability.HIDDEN)
    .order_by(Category.position.asc().nulls_last(), Category.id, Item.position, Item.id)
)
_PLAIN_ITEMS = PlainSelect(_ITEMS)
# A search in the shop: `pattern` (a LIKE pattern, escaped) in the name, description or
# code, case-insensitive (ILIKE; on SQLite, lower(x) LIKE lower(pattern) with Python's
# lower, see extensions.py, which folds ñ and accents as PostgreSQL does).
_SEARCH_COLUMNS = (Item.name, Item.description, Item.code)
_SEARCH_ITEMS = PlainSelect(
    _ITEMS.where(
        or_(*(column.ilike(bindparam("pattern"), escape=LIKE_ESCAPE) for column in _SEARCH_COLUMNS))
    )
)
# SQLite's own LIKE already ignores the case of ASCII letters, in C: an ASCII search there
# skips the Python lower() call per column and row (three quarters of a search in a
# 1,000-product shop). Only SQLite gets it; PostgreSQL's LIKE minds the case.
_ASCII_SEARCH_ITEMS = PlainSelect(
    _ITEMS.where(
        or_(*(column.like(bindparam("pattern"), escape=LIKE_ESCAPE) for column in _SEARCH_COLUMNS))
    )
)
# One category's items from `offset`, at most `limit` of them: a part of a big catalog.
_CATEGORY_ITEMS = PlainSelect(
    _ITEMS.where(Item.category_id == bindparam("category_id"))
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_OTHER_ITEMS = PlainSelect(
    _ITEMS.where(Item.category_id.is_(None)).limit(bindparam("limit")).offset(bindparam("offset"))
)
_CATEGORY_ID = itemgetter(position(CardRow, "category_id"))
_CATEGORY_NAME = position(CardRow, "category_name")


def shop_sections(shop: ShopView, query: str = "") -> list[Section]:
    """The visible items with their cover photo, grouped by category: one statement.
    Each item is a row of CardRow's columns, left a plain tuple: a card already
    written for the same row is not written again (cards.py), and most are.

    Categories come in the merchant's order, items in theirs, uncategorised ones last
    (under "Other").
    """
    conn = connection()
    if query:  # every statement here is compiled once
        pattern = "%" + escape_like(query) + "%"
        ascii_on_sqlite = query.isascii() and conn.dialect.name == "sqlite"
        search = _ASCII_SEARCH_ITEMS if ascii_on_sqlite else _SEARCH_ITEMS
        rows = search.rows(conn, shop_id=shop.id, pattern=pattern)
    else:
        rows = _PLAIN_ITEMS.rows(conn, shop_id=shop.id)
    found: list[Section] = []
    for category_id, items in groupby(rows, _CATEGORY_ID):
        items = list(items)
        found.append(Section(category_id, items[0][_CATEGORY_NAME], items))
    return found


def category_items(shop: ShopView, key: str, offset: int, limit: int) -> Section | None:
    """Up to `limit` visible items of one category (`key`: its id, or "other" for the
    uncategorised ones), in the shop page's order from `offset`, as a section: one
    statement. None when there is none there (no such category, or not that many)."""
    if key == OTHER:
        rows = _OTHER_ITEMS.rows(connection(), shop_id=shop.id, offset=offset, limit=limit)
    else:
        rows = _CATEGORY_ITEMS.rows(
            connection(), shop_id=shop.id, category_id=int(key), offset=offset, limit=limit
        )
    if not rows:
        return None
    return Section(_CATEGORY_ID(rows[0]), rows[0][_CATEGORY_NAME], rows)
