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
from shop.storefront.fast.rows import (
    IMAGE_COLUMNS,
    ChoiceView,
    GroupView,
    ItemView,
    ShopView,
    connection,
    image_view,
)

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
        *IMAGE_COLUMNS,
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
            if (image := image_view(*row[11:15])) is not None:
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
