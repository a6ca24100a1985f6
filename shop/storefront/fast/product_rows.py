"""The product page's one statement: the item, its photos, its options and the size/colour
combinations with no units left (see rows.py for why pages read plain rows)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam, exists, literal, literal_column, null, select, union_all

from shop.catalog.availability import all_combinations_sold_out
from shop.models import (
    Availability,
    Image,
    Item,
    ItemPhoto,
    OptionChoice,
    OptionGroup,
    ShippingMethod,
    VariantStock,
)
from shop.storefront.fast.columns import labelled, names, read
from shop.storefront.fast.plain_sql import PlainSelect
from shop.storefront.fast.rows import (
    WIDTHS_TEXT,
    ChoiceView,
    GroupView,
    ItemView,
    ShopView,
    connection,
    image_view,
)

PHOTO, CHOICE, SOLD_OUT = 0, 1, 2  # the union's parts, in the order they come
ITEM_, GROUP_, CHOICE_ = "item_", "group_", "choice_"  # the views' column prefixes
# Every part of the union has these columns, in this order; each fills its own and
# leaves the others NULL. `part` says which part a row is of, s1..s4 sort each part.
_COLUMNS = (
    "part",
    *names(ItemView, ITEM_),
    "ships",
    *("image_key", "image_width", "image_height", "image_widths"),
    *names(GroupView, GROUP_),
    *names(ChoiceView, CHOICE_),
    "sold_out_key",
    *("s1", "s2", "s3", "s4"),
)


def _part(number: int, **given) -> list:
    """One part's columns: those `given`, NULL for the others, each labelled."""
    unknown = set(given) - set(_COLUMNS)
    if unknown:
        raise ValueError(f"not columns of the product statement: {sorted(unknown)}")
    given["part"] = literal(number)
    return [given.get(name, null()).label(name) for name in _COLUMNS]


_PHOTOS = (
    select(
        *_part(
            PHOTO,
            **labelled(ItemView, ITEM_),
            ships=exists().where(
                ShippingMethod.shop_id == Item.shop_id, ShippingMethod.active.is_(True)
            ),
            image_key=Image.key,
            image_width=Image.width,
            image_height=Image.height,
            image_widths=WIDTHS_TEXT,
            s1=ItemPhoto.position,
            s2=ItemPhoto.id,
            s3=literal(0),
            s4=literal(0),
        )
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
        *_part(
            CHOICE,
            **labelled(GroupView, GROUP_),
            **labelled(ChoiceView, CHOICE_),
            s1=OptionGroup.position,
            s2=OptionGroup.id,
            s3=OptionChoice.position,
            s4=OptionChoice.id,
        )
    )
    .join(OptionChoice, OptionChoice.group_id == OptionGroup.id)
    .where(OptionGroup.item_id == bindparam("item_id"))
)
_SOLD_OUT_KEYS = select(*_part(SOLD_OUT, sold_out_key=VariantStock.key)).where(
    VariantStock.item_id == bindparam("item_id"), VariantStock.stock <= 0
)
# Photos first (in order), then choices (in the merchant's order), then sold-out keys.
# Read as plain tuples (plain_sql.py): through SQLAlchemy's result objects the read
# was a ninth of an uncached product page.
_PRODUCT = PlainSelect(
    union_all(_PHOTOS, _CHOICES, _SOLD_OUT_KEYS).order_by(
        literal_column("part"),
        literal_column("s1"),
        literal_column("s2"),
        literal_column("s3"),
        literal_column("s4"),
    )
)


def product(shop: ShopView, item_id: int) -> tuple[ItemView, bool]:
    """A visible item with its photos, options and sold-out combinations, and whether
    the shop ships anything; else 404.

    One statement, whatever the item has: a UNION ALL of a row per photo (each also
    carrying the item), a row per choice and a row per size/colour combination with
    no units left. The choices and keys of a hidden or foreign item are read but never
    used: without its photo rows the answer is 404.
    """
    found = _PRODUCT.rows(connection(), shop_id=shop.id, item_id=item_id)
    rows = [dict(zip(_COLUMNS, values, strict=True)) for values in found]
    if not rows or rows[0]["part"] != PHOTO:
        abort(404)
    first = rows[0]
    item = read(ItemView, first, ITEM_)
    groups: dict[int, GroupView] = {}
    sold_out: set[str] = set()
    for row in rows:
        if row["part"] == PHOTO:
            image = image_view(
                row["image_key"], row["image_width"], row["image_height"], row["image_widths"]
            )
            if image is not None:
                item.images.append(image)
        elif row["part"] == CHOICE:
            group = groups.get(row["group_id"])
            if group is None:
                group = groups[row["group_id"]] = read(GroupView, row, GROUP_)
                group.kind = getattr(group.kind, "value", group.kind)  # an enum, or its text
            group.choices.append(read(ChoiceView, row, CHOICE_))
        else:
            sold_out.add(row["sold_out_key"])
    # A group without choices cannot be answered, so it is not shown (nor required:
    # shop.catalog.options refuses to save one).
    item.groups = list(groups.values())
    if any(group.defines_variant for group in item.groups):
        item.sold_out_variants = frozenset(sold_out)
        item.variants_sold_out = all_combinations_sold_out(item.groups, sold_out)
    return item, bool(first["ships"])
