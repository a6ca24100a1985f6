"""Rows that are variants of one product, merged into one item with its variant groups.

Meta's feed says a row's variant in its ``size``, ``color``, ``material`` and
``pattern`` columns and in ``additional_variant_attribute`` ("Scent:Fruity,
Flavor:Lemon"); Shopify in Option1..3 (a name and a value each), WooCommerce in its
attributes. Each becomes a variant group of the item, named as the file names it (a
size or a colour by the shop's own word for it, so a feed comes back as it went out),
at most MAX_VARIANT_GROUPS of them and MAX_COMBINATIONS combinations.
"""

from __future__ import annotations

import itertools

from flask_babel import gettext as _

from shop.catalog import CODE_MAX, MAX_PHOTOS, CatalogError, clean_name
from shop.catalog.options import CHOICE_NAME_MAX, GROUP_NAME_MAX, MAX_CHOICES
from shop.catalog.variants import plain_name
from shop.models import Availability, OptionKind
from shop.shops.imports.source import (
    RowError,
    SourceCatalog,
    SourceGroup,
    SourceItem,
    check_variants,
)

SIZE = {"size", "talla", "tamano", "tamanho", "taille"}
COLOR = {"color", "colour", "cor", "couleur"}
MAX_ATTRIBUTES = 20  # pairs read from one additional_variant_attribute cell

# (group name, kind, value): one dimension of a row's variant.
Pick = tuple[str, OptionKind, str]


def named_option(name: str, value: str) -> Pick:
    """An option as Shopify or WooCommerce name it: sizes and colours by the shop's word."""
    plain = plain_name(name)
    if plain in SIZE:
        return (_("Size"), OptionKind.SIZE, value)
    if plain in COLOR:
        return (_("Colour"), OptionKind.COLOR, value)
    return (name, OptionKind.OTHER, value)


def variant_picks(cells: dict) -> list[Pick]:
    """The dimensions a row's cells give its variant, in the feed's column order."""
    picks: list[Pick] = []
    for field, name, kind in (
        ("size", _("Size"), OptionKind.SIZE),
        ("color", _("Colour"), OptionKind.COLOR),
        ("material", _("Material"), OptionKind.OTHER),
        ("pattern", _("Pattern"), OptionKind.OTHER),
    ):
        value = " ".join(str(cells.get(field) or "").split())
        if value:
            picks.append((name, kind, value))
    text = str(cells.get("variant_attributes") or "")
    for pair in text.split(",")[:MAX_ATTRIBUTES]:
        label, colon, value = pair.partition(":")
        label, value = " ".join(label.split()), " ".join(value.split())
        if colon and label and value:
            picks.append(named_option(label, value))
    for name, value in cells.get("options") or []:
        name, value = " ".join(str(name).split()), " ".join(str(value).split())
        if name and value:
            picks.append(named_option(name, value))
    return picks


def merge_variants(read: list[tuple[SourceItem, dict]], catalog: SourceCatalog) -> list[SourceItem]:
    """Rows sharing an item group id (Meta's ``item_group_id``, a Shopify handle, a
    WooCommerce parent) with a variant become one item; the others stay as they are."""
    groups: dict[str, list[tuple[SourceItem, list[Pick]]]] = {}
    order: list[SourceItem | str] = []
    for item, cells in read:
        key = " ".join(str(cells.get("group") or "").split())
        picks = variant_picks(cells)
        if key and picks:
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append((item, picks))
        else:
            order.append(item)
    merged = []
    for entry in order:
        if isinstance(entry, SourceItem):
            merged.append(entry)
            continue
        first = groups[entry][0][0]
        try:
            merged.append(variant_item(entry, groups[entry]))
        except CatalogError as error:
            catalog.errors.append(RowError(first.row, first.name, error.message))
    return merged


def _dimensions(rows: list[tuple[SourceItem, list[Pick]]]) -> list[tuple[str, OptionKind]]:
    """The variant groups the rows speak of, in the order they first come."""
    found: dict[str, tuple[str, OptionKind]] = {}
    for _item, picks in rows:
        for name, kind, _value in picks:
            found.setdefault(name.casefold(), (name, kind))
    dimensions = list(found.values())
    for name, _kind in dimensions:
        clean_name(name, GROUP_NAME_MAX)
    return dimensions


def _item_order(combos: list[tuple[str, ...]]) -> list[int]:
    """The groups' order in the item the rows came from: a feed written by Vitrina lists
    every combination, the first group changing slowest, so when the rows are exactly
    that for some order (the fewest changes from row to row first), it is that order;
    else the columns' order."""
    width = len(combos[0]) if combos else 0
    columns = list(range(width))
    changes = [sum(a[i] != b[i] for a, b in itertools.pairwise(combos)) for i in columns]
    order = sorted(columns, key=lambda index: changes[index])
    if _every_combination(combos, columns) or not _every_combination(combos, order):
        return columns
    return order


def _every_combination(combos: list[tuple[str, ...]], order: list[int]) -> bool:
    """Whether the rows list every combination, in `order`, the first changing slowest."""
    values = [list(dict.fromkeys(combo[index] for combo in combos)) for index in order]
    reordered = [tuple(combo[index] for index in order) for combo in combos]
    return reordered == list(itertools.product(*values))


def variant_item(key: str, rows: list[tuple[SourceItem, list[Pick]]]) -> SourceItem:
    """One item from its variant rows: the lowest price is the item's, the choices of
    one variant group add what their rows cost more; stock per combination that says
    it (_count)."""
    first = rows[0][0]
    dimensions = _dimensions(rows)
    check_variants([0] * len(dimensions))  # no more kinds than the catalog takes
    combos: list[tuple[SourceItem, tuple[str, ...]]] = []
    spelling: list[dict[str, str]] = [{} for _dimension in dimensions]  # "azul" -> "Azul"
    for item, picks in rows:
        values = {name.casefold(): value for name, _kind, value in picks}
        combo = []
        for index, (name, _kind) in enumerate(dimensions):
            value = values.get(name.casefold())
            if not value:
                raise CatalogError(
                    _("Its variants do not all say their “%(name)s”.", name=name[:60])
                )
            value = clean_name(value, CHOICE_NAME_MAX)
            combo.append(spelling[index].setdefault(value.casefold(), value))
        combos.append((item, tuple(combo)))
    order = _item_order([combo for _item, combo in combos])
    dimensions = [dimensions[index] for index in order]
    combos = [(item, tuple(combo[index] for index in order)) for item, combo in combos]
    seen = [combo for _item, combo in combos]
    if len(set(seen)) != len(seen):
        raise CatalogError(_("Two of its variants are the same."))
    choices = [
        list(dict.fromkeys(combo[index] for combo in seen)) for index in range(len(dimensions))
    ]
    for (name, _kind), values in zip(dimensions, choices, strict=True):
        if len(values) > MAX_CHOICES:
            raise CatalogError(_("Its option “%(name)s” has no choices or too many.", name=name))
    check_variants([len(values) for values in choices])
    base = min(item.price_minor for item, _combo in combos)
    deltas, axis = _deltas(combos, base, len(dimensions))
    if deltas is None:
        raise CatalogError(
            _("Its variants' prices cannot be written as a price per choice of one variant.")
        )
    groups = [
        SourceGroup(
            name=name,
            kind=kind,
            min_choices=1,
            max_choices=1,
            choices=[(value, deltas.get(value, 0) if axis == index else 0) for value in values],
            is_variant=True,
        )
        for index, ((name, kind), values) in enumerate(zip(dimensions, choices, strict=True))
    ]
    stock = {}
    for item, combo in combos:
        count = _count(item)
        if count is not None:
            names = zip((name for name, _kind in dimensions), combo, strict=True)
            stock[tuple(sorted(names))] = count
    items = [item for item, _combo in combos]
    photos = list(dict.fromkeys(p for item in items for p in item.photos))[:MAX_PHOTOS]
    sellable = [item for item in items if item.availability is Availability.AVAILABLE]
    compare = {item.compare_at_minor for item in items}
    return SourceItem(
        row=first.row,
        name=first.name,
        price_minor=base,
        description=first.description,
        compare_at_minor=compare.pop() if len(compare) == 1 and base == first.price_minor else None,
        code=first.code if len(rows) == 1 else key[:CODE_MAX],
        category=first.category,
        availability=Availability.AVAILABLE if sellable else first.availability,
        groups=groups,
        variant_stock=stock,
        photos=photos,
    )


def _count(item: SourceItem) -> int | None:
    """A variant's units: its stock column, else 0 when the row says it is out of stock
    (as Vitrina's feed writes a combination counted at zero), else not counted."""
    if item.stock is not None:
        return item.stock
    return 0 if item.availability is Availability.SOLD_OUT else None


def _deltas(combos, base: int, axes: int) -> tuple[dict[str, int] | None, int]:
    """Price changes per choice of one variant group (the first whose choices explain
    every row's price); (None, -1) when none does."""
    if axes == 0:
        return {}, -1
    for axis in range(axes):
        prices: dict[str, set[int]] = {}
        for item, combo in combos:
            prices.setdefault(combo[axis], set()).add(item.price_minor)
        if all(len(found) == 1 for found in prices.values()):
            return {value: found.pop() - base for value, found in prices.items()}, axis
    return None, -1
