"""What the cart page knows of the catalog: every visible item's price, state and
choices, and the active shipping methods (see rows.py for why pages read plain rows)."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import String, select, type_coerce

from shop.models import (
    Availability,
    Item,
    OptionChoice,
    OptionGroup,
    ShippingMethod,
    ShippingZone,
    VariantStock,
)
from shop.storefront.fast.rows import ShopView, connection

_GROUPS = (
    select(
        OptionGroup.item_id,
        OptionGroup.name.label("group_name"),
        OptionGroup.is_variant,
        OptionChoice.id.label("choice_id"),
        OptionChoice.name.label("choice_name"),
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
        variant = bool(row.is_variant)
        choices = found.setdefault(row.item_id, {})
        choices[row.choice_id] = (
            row.group_name,
            row.choice_name,
            row.price_delta_minor,
            variant,
            len(choices),
        )
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
    for row in connection().execute(statement):
        found.setdefault(row.item_id, set()).add(row.key)
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
    for item in items:
        entry = {
            "name": item.name,
            "price": item.price_minor,
            "available": item.availability == Availability.AVAILABLE and item.stock != 0,
            "service": item.is_service,
        }
        if item.id in choices:
            # Choice id -> [group, name, price change, size/colour, place]: the cart
            # page names and prices each line's options, and spots choices that no
            # longer exist.
            entry["choices"] = {str(k): list(v) for k, v in choices[item.id].items()}
            entry["soldOut"] = sorted(sold_out.get(item.id, ()))
        catalog[str(item.id)] = entry
    return catalog, active_methods(shop.id)


def active_methods(shop_id: int) -> list[SimpleNamespace]:
    """The active shipping methods, each with its delivery zones (one statement): what
    the cart shows and its script estimates; checkout prices them again."""
    rows = connection().execute(
        select(
            ShippingMethod.id,
            ShippingMethod.name,
            ShippingMethod.price_minor,
            ShippingMethod.needs_address,
            ShippingMethod.free_above_minor,
            ShippingMethod.slots_on,
            ShippingZone.id.label("zone_id"),
            type_coerce(ShippingZone.kind, String).label("kind"),
            ShippingZone.name.label("zone_name"),
            ShippingZone.codes,
            ShippingZone.max_m,
            ShippingZone.fee_minor,
            ShippingZone.min_order_minor,
            ShippingZone.free_above_minor.label("zone_free_above"),
        )
        .outerjoin(ShippingZone, ShippingZone.method_id == ShippingMethod.id)
        .where(ShippingMethod.shop_id == shop_id, ShippingMethod.active.is_(True))
        .order_by(
            ShippingMethod.position, ShippingMethod.id, ShippingZone.position, ShippingZone.id
        )
    )
    methods: dict[int, SimpleNamespace] = {}
    for row in rows:
        method = methods.get(row.id)
        if method is None:
            method = methods[row.id] = SimpleNamespace(
                id=row.id,
                name=row.name,
                price_minor=row.price_minor,
                needs_address=bool(row.needs_address),
                free_above_minor=row.free_above_minor,
                slots_on=bool(row.slots_on),
                zones=[],
            )
        if row.zone_id is not None:
            method.zones.append(
                SimpleNamespace(
                    id=row.zone_id,
                    kind=row.kind,
                    name=row.zone_name,
                    codes=row.codes,
                    max_m=row.max_m,
                    fee_minor=row.fee_minor,
                    min_order_minor=row.min_order_minor,
                    free_above_minor=row.zone_free_above,
                )
            )
    return list(methods.values())
