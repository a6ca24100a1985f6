"""Writing an imported catalog into a shop, all of it in the caller's one transaction.

The job calls write_catalog in a single step: a failure anywhere rolls the whole
catalog back, so shoppers see the old catalog or the new one, never half of it. The
catalog's own rules (shop.catalog) do the writing, so every limit they keep holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from shop.catalog import ItemData, create_category, create_item, update_item
from shop.catalog.options import VARIANT_KINDS, GroupData, save_group, set_variant_stock
from shop.catalog.variants import combination_key
from shop.extensions import db
from shop.models import Category, Image, Item, ItemPhoto, OptionKind, ShippingMethod, Shop
from shop.shops.imports.discounts import write_discounts
from shop.shops.imports.plan import (
    existing_items,
    fields_of,
    groups_of,
    item_key,
    source_fields,
    variant_stock_of,
    without_twins,
)
from shop.shops.imports.source import SourceCatalog, SourceGroup, SourceItem


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    categories: int = 0
    shipping: int = 0
    discounts: int = 0
    discounts_refused: list[list[str]] = field(default_factory=list)  # [label, why]
    skipped: list[dict] = field(default_factory=list)
    # What undo needs (shop.shops.imports.undo): ids created; fields before and after.
    undo: dict = field(
        default_factory=lambda: {"created": [], "updated": [], "categories": [], "discounts": []}
    )

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def write_catalog(shop: Shop, catalog: SourceCatalog, images: dict[str, int]) -> Report:
    """Create or update the file's categories, items and shipping methods in `shop`.

    `images` maps the file's photo names to Image ids of this shop (those that could be
    fetched and processed). Flushes, never commits.
    """
    report = Report()
    categories = _categories(shop, catalog.categories, report)
    items = existing_items(shop)
    for source in without_twins(catalog):
        category = categories.get(source.category.casefold()) if source.category else None
        photos = [images[name] for name in source.photos if name in images]
        match = items.get(item_key(source.code, source.category, source.name))
        if match is None:
            item = create_item(shop, _data(source, category))
            _options(item, source)
            _photos(item, photos)
            report.created += 1
            report.undo["created"].append(item.id)
            continue
        same_fields = fields_of(match) == source_fields(source)
        same_photos = [photo.image_id for photo in match.photos] == photos
        if same_fields and same_photos:
            report.unchanged += 1
            continue
        if not same_fields:
            before = undo_fields(match) | {"options": options_state(match)}
            update_item(match, _data(source, category))
            if match.option_groups and _group_data(source) != _group_data_of(match):
                for group in list(match.option_groups):
                    db.session.delete(group)
                db.session.flush()
                db.session.expire(match, ["option_groups", "variant_stock"])
            _options(match, source)
            after = undo_fields(match) | {"options": options_state(match)}
            report.undo["updated"].append({"id": match.id, "before": before, "after": after})
        if not same_photos:
            _photos(match, photos)
        report.updated += 1
    _shipping(shop, catalog, report)
    created, refused = write_discounts(shop, catalog.discounts, categories)
    report.discounts = len(created)
    report.undo["discounts"] = created
    report.discounts_refused = [list(pair) for pair in refused + catalog.discounts_left_out]
    report.skipped = [
        {"row": error.row, "name": error.name, "reason": error.reason} for error in catalog.errors
    ]
    db.session.flush()
    return report


UNDO_FIELDS = (
    "name",
    "description",
    "price_minor",
    "compare_at_minor",
    "code",
    "category_id",
    "availability",
    "is_service",
    "stock",
)


def undo_fields(item: Item) -> dict:
    """The fields an undo puts back, each only if it is still as the import left it
    (a stock count an order moved since stays)."""
    values = {name: getattr(item, name) for name in UNDO_FIELDS}
    values["availability"] = str(item.availability.value)
    return values


def options_state(item: Item) -> dict:
    """The item's option groups and per-combination stock, by names, as JSON: what undo
    compares and puts back (choice ids change when groups are made again)."""
    db.session.expire(item, ["option_groups", "variant_stock"])
    return {
        "groups": [
            [
                g.name,
                g.kind.value,
                g.min_choices,
                g.max_choices,
                [list(c) for c in g.choices],
                g.is_variant,
            ]
            for g in groups_of(item)
        ],
        "stock": sorted(
            [[list(pair) for pair in combo], n] for combo, n in variant_stock_of(item).items()
        ),
    }


def restore_options(item: Item, state: dict) -> None:
    """Make the item's groups and combination stock `state` (from options_state) again."""
    for group in list(item.option_groups):
        db.session.delete(group)
    db.session.flush()
    db.session.expire(item, ["option_groups", "variant_stock"])
    source = SourceItem(row=0, name=item.name, price_minor=item.price_minor)
    source.groups = [
        SourceGroup(
            name,
            OptionKind(kind),
            low,
            high,
            [(c, d) for c, d in choices],
            # A state kept before 0026 has no flag: sizes and colours were the variants.
            bool(rest[0]) if rest else OptionKind(kind) in VARIANT_KINDS,
        )
        for name, kind, low, high, choices, *rest in state.get("groups", [])
    ]
    source.variant_stock = {
        tuple(tuple(pair) for pair in combo): n for combo, n in state.get("stock", [])
    }
    _options(item, source)


def _categories(shop: Shop, names: list[str], report: Report) -> dict[str, Category]:
    found = {
        category.name.casefold(): category
        for category in db.session.scalars(select(Category).where(Category.shop_id == shop.id))
    }
    for name in names:
        if name.casefold() not in found:
            found[name.casefold()] = create_category(shop, name)
            report.categories += 1
            report.undo["categories"].append(found[name.casefold()].id)
    return found


def _data(source: SourceItem, category: Category | None) -> ItemData:
    return ItemData(
        name=source.name,
        price_minor=source.price_minor,
        description=source.description,
        compare_at_minor=source.compare_at_minor,
        code=source.code,
        category=category,
        availability=source.availability,
        is_service=source.is_service,
        stock=source.stock,
    )


def _group_data(source: SourceItem) -> list[GroupData]:
    return [
        GroupData(g.name, g.kind, g.min_choices, g.max_choices, list(g.choices), g.is_variant)
        for g in source.groups
    ]


def _group_data_of(item: Item) -> list[GroupData]:
    return [
        GroupData(
            g.name,
            g.kind,
            g.min_choices,
            g.max_choices,
            [(c.name, c.price_delta_minor) for c in g.choices],
            g.is_variant,
        )
        for g in item.option_groups
    ]


def _options(item: Item, source: SourceItem) -> None:
    """The item's groups as the file has them (when it has none yet), then the stock
    of each variant combination, its choices found by name."""
    if not item.option_groups:
        for data in _group_data(source):
            save_group(item, data)
    db.session.expire(item, ["option_groups", "variant_stock"])
    ids = {
        (group.name.casefold(), choice.name.casefold()): choice.id
        for group in item.option_groups
        for choice in group.choices
    }
    values: dict[str, int | None] = {row.key: None for row in item.variant_stock}
    for combo, stock in source.variant_stock.items():
        wanted = [ids.get((group.casefold(), choice.casefold())) for group, choice in combo]
        if all(wanted):
            values[combination_key(wanted)] = stock
    if values:
        set_variant_stock(item, values)


def _photos(item: Item, image_ids: list[int]) -> None:
    """The item's photos become the file's, in its order (the first is the cover)."""
    images = {
        image.id: image
        for image in db.session.scalars(
            select(Image).where(Image.id.in_(image_ids), Image.shop_id == item.shop_id)
        )
    }
    item.photos = [
        ItemPhoto(image=images[image_id], position=position)
        for position, image_id in enumerate(dict.fromkeys(image_ids))
        if image_id in images
    ]
    db.session.flush()


def _shipping(shop: Shop, catalog: SourceCatalog, report: Report) -> None:
    found = {
        method.name.casefold(): method
        for method in db.session.scalars(
            select(ShippingMethod).where(ShippingMethod.shop_id == shop.id)
        )
    }
    position = len(found)
    for source in catalog.shipping:
        method = found.get(source.name.casefold())
        values = {
            "price_minor": source.price_minor,
            "needs_address": source.needs_address,
            "active": source.active,
            "free_above_minor": source.free_above_minor,
        }
        if method is None:
            method = ShippingMethod(shop=shop, name=source.name, position=position, **values)
            db.session.add(method)
            found[source.name.casefold()] = method
            position += 1
            report.shipping += 1
        elif any(getattr(method, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(method, name, value)
            report.shipping += 1
