"""What an import would do to a shop, worked out before anything is written.

Items are matched by their code when they have one, else by category and name, the
same way here (for the preview) and in the job (shop.shops.imports.writing), so the
preview tells the truth and importing the same file twice changes nothing the second
time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.models import Category, Item, OptionGroup, ShippingMethod, Shop
from shop.shops.imports.discounts import new_discounts
from shop.shops.imports.source import RowError, SourceCatalog, SourceGroup, SourceItem


def item_key(code: str, category: str | None, name: str) -> tuple:
    """How an item is recognised: its code, else its category and name (case aside)."""
    if code:
        return ("code", code.casefold())
    return ("name", (category or "").casefold(), name.casefold())


def groups_of(item: Item) -> list[SourceGroup]:
    return [
        SourceGroup(
            name=group.name,
            kind=group.kind,
            min_choices=group.min_choices,
            max_choices=group.max_choices,
            choices=[(choice.name, choice.price_delta_minor) for choice in group.choices],
            is_variant=group.is_variant,
        )
        for group in item.option_groups
    ]


def variant_stock_of(item: Item) -> dict:
    names = {
        str(choice.id): (group.name, choice.name)
        for group in item.option_groups
        for choice in group.choices
    }
    found = {}
    for row in item.variant_stock:
        parts = row.key.split("-")
        if all(part in names for part in parts):
            found[tuple(sorted(names[part] for part in parts))] = row.stock
    return found


def fields_of(item: Item) -> tuple:
    """What an import may change on an item, photos aside (compared once fetched)."""
    return (
        item.name,
        item.description,
        item.price_minor,
        item.compare_at_minor,
        item.code,
        (item.category.name.casefold() if item.category else None),
        item.availability,
        item.is_service,
        item.stock,
        groups_of(item),
        variant_stock_of(item),
    )


def source_fields(item: SourceItem) -> tuple:
    return (
        item.name,
        item.description,
        item.price_minor,
        item.compare_at_minor,
        item.code,
        (item.category.casefold() if item.category else None),
        item.availability,
        item.is_service,
        item.stock,
        item.groups,
        item.variant_stock,
    )


def existing_items(shop: Shop) -> dict[tuple, Item]:
    """The shop's items by item_key (the first, when two share one)."""
    items = db.session.scalars(
        select(Item)
        .where(Item.shop_id == shop.id)
        .options(
            selectinload(Item.category),
            selectinload(Item.option_groups).selectinload(OptionGroup.choices),
            selectinload(Item.variant_stock),
            selectinload(Item.photos),
        )
        .order_by(Item.id)
    )
    found: dict[tuple, Item] = {}
    for item in items:
        found.setdefault(
            item_key(item.code, item.category.name if item.category else None, item.name), item
        )
    return found


def without_twins(catalog: SourceCatalog) -> list[SourceItem]:
    """The file's items, each one once: a second row with the same code (or the same
    name in the same category) is skipped with a reason rather than overwrite the first."""
    seen: dict[tuple, int] = {}
    kept = []
    for item in catalog.items:
        key = item_key(item.code, item.category, item.name)
        if key in seen:
            catalog.errors.append(
                RowError(
                    item.row,
                    item.name,
                    _("Row %(row)d has the same product already.", row=seen[key]),
                )
            )
            continue
        seen[key] = item.row
        kept.append(item)
    catalog.items = kept
    catalog.errors.sort(key=lambda error: error.row)
    return kept


@dataclass
class Plan:
    created: list[SourceItem] = field(default_factory=list)
    updated: list[SourceItem] = field(default_factory=list)
    unchanged: list[SourceItem] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    new_shipping: list[str] = field(default_factory=list)
    new_discounts: list[str] = field(default_factory=list)
    discounts_left_out: list[tuple[str, str]] = field(default_factory=list)
    photos: int = 0

    @property
    def anything(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.new_categories
            or self.new_shipping
            or self.new_discounts
        )


def make_plan(shop: Shop, catalog: SourceCatalog) -> Plan:
    """The preview: what would be created, updated, left alone and skipped (reads only)."""
    plan = Plan(photos=len(catalog.photo_names))
    items = existing_items(shop)
    for item in without_twins(catalog):
        match = items.get(item_key(item.code, item.category, item.name))
        if match is None:
            plan.created.append(item)
        elif fields_of(match) != source_fields(item) or len(match.photos) != len(item.photos):
            plan.updated.append(item)
        else:
            plan.unchanged.append(item)
    plan.skipped = list(catalog.errors)
    have = {
        name.casefold()
        for name in db.session.scalars(select(Category.name).where(Category.shop_id == shop.id))
    }
    plan.new_categories = [name for name in catalog.categories if name.casefold() not in have]
    methods = {
        name.casefold()
        for name in db.session.scalars(
            select(ShippingMethod.name).where(ShippingMethod.shop_id == shop.id)
        )
    }
    plan.new_shipping = [m.name for m in catalog.shipping if m.name.casefold() not in methods]
    plan.new_discounts = [d.label for d in new_discounts(shop, catalog.discounts)]
    plan.discounts_left_out = list(catalog.discounts_left_out)
    return plan
