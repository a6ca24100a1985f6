"""What the public pages show, read as plain rows: one statement for the shop, one for the rest.

Public pages are read far more often than they change, and when a post goes viral every
statement and every ORM object counts. These readers select only the columns a page
shows, as plain rows (no identity map, no lazy loads), so a shop or product page costs
two statements whatever the size of the catalog, and a cached page or a 304 costs one.
The small classes below have the attribute names of the models they stand for, so the
templates and helpers (image_url, money, link cards) take either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

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

from shop.catalog.availability import CARD_ADD, CARD_STATE
from shop.extensions import db
from shop.lib.text import LIKE_ESCAPE, escape_like
from shop.models import Availability, Category, Image, Item, ItemPhoto, Shop
from shop.storefront.fast.plain_sql import PlainSelect
from shop.storefront.loading import shop_or_404
from shop.storefront.unavailable import abort_if_suspended
from shop.web.locale import use_shop_language


@dataclass(frozen=True, slots=True)
class ImageView:
    key: str
    width: int
    height: int
    widths: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ShopView:
    id: int
    slug: str
    name: str
    description: str
    whatsapp: str
    currency: str
    currency_exponent: int
    language: str
    paused: bool | int
    pause_message: str
    catalog_version: int
    created_at: datetime | str  # as the driver gives it (text on SQLite): the ETag's only
    suspended: bool | int
    logo: ImageView | None
    # The ordering rules a public page shows (shop.ordering.rules, shop.lib.hours).
    min_order_minor: int = 0
    time_zone: str = ""
    opening_hours_json: str | None = None
    closed_policy: str = "refuse"  # a ClosedPolicy value

    @property
    def opening_hours(self) -> dict | None:
        """The week's hours (shop.lib.hours), parsed when a page shows them, not per 304."""
        return _json(self.opening_hours_json)


@dataclass(slots=True)
class ItemView:
    id: int
    name: str
    price_minor: int
    compare_at_minor: int | None
    code: str
    availability: Availability
    is_service: bool
    description: str = ""
    stock: int | None = None
    images: list[ImageView] = field(default_factory=list)
    groups: list[GroupView] = field(default_factory=list)
    sold_out_variants: frozenset[str] = frozenset()  # options.combination_key of each
    variants_sold_out: bool = False  # all of them: sold out (sold_out.py)

    @property
    def cover(self) -> ImageView | None:
        return self.images[0] if self.images else None


@dataclass(frozen=True, slots=True)
class ChoiceView:
    id: int
    name: str
    price_delta_minor: int


@dataclass(slots=True)
class GroupView:
    id: int
    name: str
    kind: str
    min_choices: int
    max_choices: int
    choices: list[ChoiceView] = field(default_factory=list)

    @property
    def defines_variant(self) -> bool:
        return self.kind in ("size", "color")


class CardRow(NamedTuple):
    """An item as its card shows it (the columns of the shop page's statement), with
    the driver's values: is_service is 0/1 on SQLite, a boolean on PostgreSQL."""

    id: int
    name: str
    price_minor: int
    compare_at_minor: int | None
    code: str
    is_service: bool | int
    category_id: int | None
    category_name: str | None
    image_key: str | None  # the cover photo, if any
    image_width: int | None
    image_height: int | None
    image_widths: str | None  # JSON text, e.g. "[320, 640, 1280]"
    state: int = CARD_ADD  # CARD_ADD, CARD_CHOOSE (options) or CARD_SOLD_OUT (sold_out.py)


@dataclass(slots=True)
class Section:
    """A category heading and its items; `category_id` None is the final "Other" section."""

    category_id: int | None
    category_name: str | None
    items: list[tuple] = field(default_factory=list)  # rows of CardRow's columns
    cards: bytes = b""  # their cards' HTML, UTF-8, once written (cards.card_lists)

    @property
    def html(self) -> Markup:
        """The cards, for a template (a search's page, a new frame)."""
        return Markup(self.cards.decode())  # noqa: S704 - escaped when written (cards.py)

    @property
    def anchor(self) -> str:
        return f"c-{self.category_id}" if self.category_id is not None else "c-other"


# Where the fast path leaves the shop it read, (slug, ShopView or None), and the
# connection it read it on.
ENVIRON_SHOP = "vitrina.shop"
ENVIRON_CONNECTION = "vitrina.connection"
# The widths as text, parsed once per distinct value (they repeat: "[320, 640, 1280]").
IMAGE_COLUMNS = (Image.key, Image.width, Image.height, cast(Image.widths, String))
# Every column as the driver gives it (type_coerce converts nothing): a 304 needs four
# of them, and each conversion would cost more than the statement.
_SHOP = select(
    Shop.id,
    Shop.slug,
    Shop.name,
    Shop.description,
    Shop.whatsapp,
    Shop.currency,
    Shop.currency_exponent,
    Shop.language,
    type_coerce(Shop.paused, Integer),
    Shop.pause_message,
    Shop.catalog_version,
    type_coerce(Shop.created_at, String),
    type_coerce(Shop.suspended_at.is_not(None), Integer),
    *IMAGE_COLUMNS,
    Shop.min_order_minor,
    Shop.time_zone,
    cast(Shop.opening_hours, String),
    type_coerce(Shop.closed_policy, String),
).outerjoin(Image, Image.id == Shop.logo_id)
# Statements are built once: building one costs more than running it on a small table.
_SHOP_BY_SLUG = PlainSelect(_SHOP.where(Shop.slug == bindparam("slug")))


def image_view(key, width, height, widths) -> ImageView | None:
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
    return None if row is None else ShopView(*row[:13], image_view(*row[13:17]), *row[17:])


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
    return shop


_COVER = (
    select(ItemPhoto.image_id)
    .where(ItemPhoto.item_id == Item.id)
    .order_by(ItemPhoto.position, ItemPhoto.id)
    .limit(1)
    .correlate(Item)
    .scalar_subquery()
)
# The cards take the driver's values as they are: no conversion per value of a
# thousand rows.
_ITEMS = (
    select(
        Item.id,
        Item.name,
        Item.price_minor,
        Item.compare_at_minor,
        Item.code,
        type_coerce(Item.is_service, Integer),
        Category.id,
        Category.name,
        *IMAGE_COLUMNS,
        CARD_STATE,
    )
    .outerjoin(Category, Category.id == Item.category_id)
    .outerjoin(Image, Image.id == _COVER)
    .where(Item.shop_id == bindparam("shop_id"), Item.availability != Availability.HIDDEN)
    .order_by(Category.position.asc().nulls_last(), Category.id, Item.position, Item.id)
)
_PLAIN_ITEMS = PlainSelect(_ITEMS)
_CATEGORY_ID = itemgetter(CardRow._fields.index("category_id"))
_CATEGORY_NAME = CardRow._fields.index("category_name")


def shop_sections(shop: ShopView, query: str = "") -> list[Section]:
    """The visible items with their cover photo, grouped by category: one statement.
    Each item is a row of CardRow's columns, left a plain tuple: a card already
    written for the same row is not written again (cards.py), and most are.

    Categories come in the merchant's order, items in theirs, uncategorised ones last
    (under "Other").
    """
    statement = _ITEMS
    if query:
        pattern = "%" + escape_like(query) + "%"
        statement = statement.where(
            or_(
                Item.name.ilike(pattern, escape=LIKE_ESCAPE),
                Item.description.ilike(pattern, escape=LIKE_ESCAPE),
                Item.code.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    # Searches build a new statement each time; the plain shop page's is compiled once.
    rows = (
        connection().execute(statement, {"shop_id": shop.id}).all()
        if query
        else _PLAIN_ITEMS.rows(connection(), shop_id=shop.id)
    )
    found: list[Section] = []
    for category_id, items in groupby(rows, _CATEGORY_ID):
        items = list(items)
        found.append(Section(category_id, items[0][_CATEGORY_NAME], items))
    return found
