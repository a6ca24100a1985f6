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
from typing import NamedTuple

from flask import abort, request
from sqlalchemy import (
    String,
    bindparam,
    cast,
    exists,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from ..extensions import db
from ..i18n import use_shop_language
from ..models import (
    Availability,
    Category,
    Image,
    Item,
    ItemPhoto,
    OptionChoice,
    OptionGroup,
    ShippingMethod,
    Shop,
    VariantStock,
)
from .loading import escape_like, shop_or_404
from .sold_out import VARIANTS_SOLD_OUT, all_combinations_sold_out
from .unavailable import abort_if_suspended


@dataclass(frozen=True, slots=True)
class ImageView:
    key: str
    width: int
    height: int
    widths: list[int]


@dataclass(frozen=True, slots=True)
class ShopView:
    id: int
    slug: str
    name: str
    description: str
    whatsapp: str
    currency: str
    language: str
    paused: bool
    pause_message: str
    catalog_version: int
    created_at: datetime
    suspended: bool
    logo: ImageView | None
    # The ordering rules a public page shows (shop.order_rules, shop.hours).
    min_order_minor: int = 0
    time_zone: str = ""
    opening_hours: dict | None = None
    closed_policy: str = "refuse"


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
    """An item as its card shows it (the columns of the shop page's statement)."""

    id: int
    name: str
    price_minor: int
    compare_at_minor: int | None
    code: str
    availability: Availability
    is_service: bool
    category_id: int | None
    category_name: str | None
    image_key: str | None  # the cover photo, if any
    image_width: int | None
    image_height: int | None
    image_widths: str | None  # JSON text, e.g. "[320, 640, 1280]"
    stock: int | None = None  # 0: sold out
    has_options: bool = False  # chosen on the product page, so no "Add" on the card
    variants_sold_out: bool = False  # every size/colour combination at 0 (sold_out.py)


@dataclass(slots=True)
class Section:
    """A category heading and its items; `category_id` None is the final "Other" section."""

    category_id: int | None
    category_name: str | None
    items: list = field(default_factory=list)
    html: str = ""  # the cards, once written (cards.card_lists)

    @property
    def anchor(self) -> str:
        return f"c-{self.category_id}" if self.category_id is not None else "c-other"


# Where the fast path leaves the shop it read, (slug, ShopView or None), and the
# connection it read it on.
ENVIRON_SHOP = "vitrina.shop"
ENVIRON_CONNECTION = "vitrina.connection"
# The widths as text, parsed once per distinct value (they repeat: "[320, 640, 1280]").
_IMAGE = (Image.key, Image.width, Image.height, cast(Image.widths, String))
_SHOP = select(
    Shop.id,
    Shop.slug,
    Shop.name,
    Shop.description,
    Shop.whatsapp,
    Shop.currency,
    Shop.language,
    Shop.paused,
    Shop.pause_message,
    Shop.catalog_version,
    Shop.created_at,
    Shop.suspended_at.is_not(None),
    *_IMAGE,
    Shop.min_order_minor,
    Shop.time_zone,
    Shop.opening_hours,
    Shop.closed_policy,
).outerjoin(Image, Image.id == Shop.logo_id)
# Statements are built once: building one costs more than running it on a small table.
_SHOP_BY_SLUG = _SHOP.where(Shop.slug == bindparam("slug"))


def _image(key, width, height, widths) -> ImageView | None:
    return None if key is None else ImageView(key, width, height, _widths(widths) or [width])


@lru_cache(maxsize=256)
def _widths(text: str | None) -> list[int]:
    """Shared between images: never modified."""
    return json.loads(text) if text else []


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
    row = connection.execute(_SHOP_BY_SLUG, {"slug": slug}).first()
    return None if row is None else ShopView(*row[:12], _image(*row[12:16]), *row[16:])


def public_shop(slug: str) -> ShopView:
    """The shop behind ``/s/<slug>``; the rest of the request speaks its language.

    Only the current slug is served here; anything else (an old slug, another
    spelling, no such shop) goes through shop_or_404, which redirects or ends in 404.
    The fast path (fastpath.py) may have read the shop already: it is not read again.
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
_HAS_OPTIONS = exists().where(OptionGroup.item_id == Item.id).correlate(Item)
_ITEMS = (
    select(
        Item.id,
        Item.name,
        Item.price_minor,
        Item.compare_at_minor,
        Item.code,
        Item.availability,
        Item.is_service,
        Category.id,
        Category.name,
        *_IMAGE,
        Item.stock,
        _HAS_OPTIONS.label("has_options"),
        VARIANTS_SOLD_OUT,
    )
    .outerjoin(Category, Category.id == Item.category_id)
    .outerjoin(Image, Image.id == _COVER)
    .where(Item.shop_id == bindparam("shop_id"), Item.availability != Availability.HIDDEN)
    .order_by(Category.position.asc().nulls_last(), Category.id, Item.position, Item.id)
)


def shop_sections(shop: ShopView, query: str = "") -> list[Section]:
    """The visible items (CardRow) with their cover photo, grouped by category: one
    statement.

    Categories come in the merchant's order, items in theirs, uncategorised ones last
    (under "Other").
    """
    statement = _ITEMS
    if query:
        pattern = "%" + escape_like(query) + "%"
        statement = statement.where(
            or_(
                Item.name.ilike(pattern, escape="\\"),
                Item.description.ilike(pattern, escape="\\"),
                Item.code.ilike(pattern, escape="\\"),
            )
        )
    found: list[Section] = []
    # .all(): one fetchall, not a fetchone per row (a tenth of the statement's time).
    for row in connection().execute(statement, {"shop_id": shop.id}).all():
        item = CardRow._make(row)
        if not found or found[-1].category_id != item.category_id:
            found.append(Section(item.category_id, item.category_name))
        found[-1].items.append(item)
    return found


_PHOTOS = (
    select(
        literal(0).label("part"),
        Item.id,
        Item.name,
        Item.price_minor,
        Item.compare_at_minor,
        Item.code,
        Item.availability,
        Item.is_service,
        Item.description,
        Item.stock,
        exists()
        .where(ShippingMethod.shop_id == Item.shop_id, ShippingMethod.active.is_(True))
        .label("ships"),
        *_IMAGE,
        *(null() for _ in range(8)),  # the choice columns
        ItemPhoto.position.label("s1"),
        ItemPhoto.id.label("s2"),
        literal(0).label("s3"),
        literal(0).label("s4"),
    )
    .outerjoin(ItemPhoto, ItemPhoto.item_id == Item.id)
    .outerjoin(Image, Image.id == ItemPhoto.image_id)
    .where(
        Item.id == bindparam("item_id"),
        Item.shop_id == bindparam("shop_id"),
        Item.availability != Availability.HIDDEN,
    )
)
_CHOICES = (
    select(
        literal(1),
        *(null() for _ in range(14)),  # the item and photo columns
        OptionGroup.id,
        OptionGroup.name,
        OptionGroup.kind,
        OptionGroup.min_choices,
        OptionGroup.max_choices,
        OptionChoice.id,
        OptionChoice.name,
        OptionChoice.price_delta_minor,
        OptionGroup.position,
        OptionGroup.id,
        OptionChoice.position,
        OptionChoice.id,
    )
    .join(OptionChoice, OptionChoice.group_id == OptionGroup.id)
    .where(OptionGroup.item_id == bindparam("item_id"))
)
_SOLD_OUT_KEYS = select(
    literal(2),
    *(null() for _ in range(14)),
    *(null() for _ in range(6)),
    VariantStock.key,  # in the choice name's column
    *(null() for _ in range(5)),
).where(VariantStock.item_id == bindparam("item_id"), VariantStock.stock <= 0)
# Photos first (in order), then choices (in the merchant's order), then sold-out keys.
_PRODUCT = union_all(_PHOTOS, _CHOICES, _SOLD_OUT_KEYS).order_by(
    literal_column("part"),
    literal_column("s1"),
    literal_column("s2"),
    literal_column("s3"),
    literal_column("s4"),
)


def product(shop: ShopView, item_id: int) -> tuple[ItemView, bool]:
    """A visible item with its photos, options and sold-out combinations, and whether
    the shop ships anything; else 404.

    One statement, whatever the item has: a UNION ALL of a row per photo (each also
    carrying the item), a row per choice and a row per size/colour combination with
    no units left. The choices and keys of a hidden or foreign item are read but never
    used: without its photo rows the answer is 404.
    """
    rows = connection().execute(_PRODUCT, {"shop_id": shop.id, "item_id": item_id}).all()
    if not rows or rows[0][0] != 0:
        abort(404)
    first = rows[0]
    item = ItemView(*first[1:10])
    groups: dict[int, GroupView] = {}
    sold_out: set[str] = set()
    for row in rows:
        if row[0] == 0:
            if (image := _image(*row[11:15])) is not None:
                item.images.append(image)
        elif row[0] == 1:
            group = groups.get(row[15])
            if group is None:
                kind = getattr(row[17], "value", row[17])
                group = groups[row[15]] = GroupView(row[15], row[16], kind, row[18], row[19])
            group.choices.append(ChoiceView(row[20], row[21], row[22]))
        else:
            sold_out.add(row[21])
    # A group without choices cannot be answered, so it is not shown (nor required:
    # shop.catalog.options refuses to save one).
    item.groups = list(groups.values())
    if any(group.defines_variant for group in item.groups):
        item.sold_out_variants = frozenset(sold_out)
        item.variants_sold_out = all_combinations_sold_out(item.groups, sold_out)
    return item, bool(first[10])


_GROUPS = (
    select(
        OptionGroup.item_id,
        OptionGroup.id,
        OptionGroup.name,
        OptionGroup.kind,
        OptionGroup.min_choices,
        OptionGroup.max_choices,
        OptionChoice.id,
        OptionChoice.name,
        OptionChoice.price_delta_minor,
    )
    .join(OptionChoice, OptionChoice.group_id == OptionGroup.id)
    .order_by(OptionGroup.position, OptionGroup.id, OptionChoice.position, OptionChoice.id)
)


def shop_choices(shop_id: int) -> dict[int, dict[int, tuple]]:
    """Every choice of the shop's items: item id -> choice id -> (group, name, delta,
    whether it is a size/colour choice, its place on the product page).

    The place is explicit because a JSON object with number-like keys comes back in
    number order in JavaScript, not in the merchant's.
    """
    found: dict[int, dict[int, tuple]] = {}
    statement = _GROUPS.join(Item, Item.id == OptionGroup.item_id).where(Item.shop_id == shop_id)
    for row in connection().execute(statement):
        variant = getattr(row[3], "value", row[3]) in ("size", "color")
        choices = found.setdefault(row[0], {})
        choices[row[6]] = (row[2], row[7], row[8], variant, len(choices))
    return found


def sold_out_variants(item_ids: list[int] | None = None, shop_id: int | None = None) -> dict:
    """item id -> the keys of its size/colour combinations with no units left."""
    statement = select(VariantStock.item_id, VariantStock.key).where(VariantStock.stock <= 0)
    if item_ids is not None:
        statement = statement.where(VariantStock.item_id.in_(item_ids))
    if shop_id is not None:
        statement = statement.join(Item, Item.id == VariantStock.item_id).where(
            Item.shop_id == shop_id
        )
    found: dict[int, set[str]] = {}
    for item_id, key in connection().execute(statement):
        found.setdefault(item_id, set()).add(key)
    return {item_id: frozenset(keys) for item_id, keys in found.items()}


def cart_catalog(shop: ShopView) -> tuple[dict, list]:
    """What the cart page needs: every visible item's price and state, and the active
    shipping methods. Two statements."""
    items = (
        connection()
        .execute(
            select(
                Item.id, Item.name, Item.price_minor, Item.availability, Item.is_service, Item.stock
            )
            .where(Item.shop_id == shop.id, Item.availability != Availability.HIDDEN)
            .order_by(Item.position, Item.id)
        )
        .all()
    )
    choices = shop_choices(shop.id) if items else {}
    sold_out = sold_out_variants(shop_id=shop.id) if choices else {}
    catalog = {}
    for item_id, name, price, availability, is_service, stock in items:
        entry = {
            "name": name,
            "price": price,
            "available": availability == Availability.AVAILABLE and stock != 0,
            "service": is_service,
        }
        if item_id in choices:
            # Choice id -> [group, name, price change, size/colour, place]: the cart
            # page names and prices each line's options, and spots choices that no
            # longer exist.
            entry["choices"] = {str(k): list(v) for k, v in choices[item_id].items()}
            entry["soldOut"] = sorted(sold_out.get(item_id, ()))
        catalog[str(item_id)] = entry
    methods = (
        connection()
        .execute(
            select(
                ShippingMethod.id,
                ShippingMethod.name,
                ShippingMethod.price_minor,
                ShippingMethod.needs_address,
                ShippingMethod.free_above_minor,
            )
            .where(ShippingMethod.shop_id == shop.id, ShippingMethod.active.is_(True))
            .order_by(ShippingMethod.position, ShippingMethod.id)
        )
        .all()
    )
    return catalog, methods
