"""An item's option groups and choices, and its stock per combination of its variants.

Variant groups (sizes, colours, or any dimension the merchant names: "Material",
"Sabor") are single-choice; an item has at most MAX_VARIANT_GROUPS of them and at most
MAX_COMBINATIONS combinations, so a stock page or a feed stays a readable size.

Edits keep choice ids when a choice keeps its name (carts in shoppers' browsers hold
ids), so renaming "M" to "Mediana" is a new choice and old carts are told to choose
again. Every change bumps the catalog version: public pages show options and stock.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from flask_babel import gettext as _

from shop.catalog.common import CatalogError, Direction, clean_name, renumber
from shop.catalog.stock_edits import StockChanged, set_combination_stock
from shop.catalog.variants import combination_key
from shop.extensions import db
from shop.lib.money import MAX_MINOR_UNITS
from shop.models import Item, OptionChoice, OptionGroup, OptionKind, VariantStock

GROUP_NAME_MAX = 60
CHOICE_NAME_MAX = 60
MAX_GROUPS = 10
MAX_CHOICES = 50
MAX_STOCK = 1_000_000
MAX_COMBINATIONS = 2_500  # e.g. 50 sizes by 50 colours, or 25 x 10 x 10
MAX_VARIANT_GROUPS = 3
VARIANT_KINDS = (OptionKind.SIZE, OptionKind.COLOR)  # always variant groups


@dataclass
class GroupData:
    """A group as the merchant wrote it; choices are (name, price change in minor units)."""

    name: str
    kind: OptionKind = OptionKind.OTHER
    min_choices: int = 1
    max_choices: int = 1
    choices: list[tuple[str, int]] = field(default_factory=list)
    is_variant: bool = False  # a size or colour is one whatever this says


def _checked(item: Item, data: GroupData, group: OptionGroup | None) -> GroupData:
    name = clean_name(data.name, GROUP_NAME_MAX)
    kind = OptionKind(data.kind)
    if not data.choices:
        raise CatalogError(_("Write at least one choice."), "choices")
    if len(data.choices) > MAX_CHOICES:
        raise CatalogError(
            _("A group can have at most %(max)d choices.", max=MAX_CHOICES), "choices"
        )
    seen: set[str] = set()
    choices = []
    for raw_name, delta in data.choices:
        choice = clean_name(raw_name, CHOICE_NAME_MAX, "choices")
        if choice.casefold() in seen:
            raise CatalogError(_("“%(name)s” is written twice.", name=choice), "choices")
        if abs(delta) > MAX_MINOR_UNITS:
            raise CatalogError(_("That amount is too large."), "choices")
        seen.add(choice.casefold())
        choices.append((choice, delta))
    low, high = data.min_choices, data.max_choices
    variant = data.is_variant or kind in VARIANT_KINDS
    if kind != OptionKind.OTHER:
        if high != 1:
            raise CatalogError(
                _("A size or colour is one choice: set the maximum to 1."), "max_choices"
            )
        same = [g for g in item.option_groups if g.kind == kind and g is not group]
        if same:
            raise CatalogError(
                _("This product already has a group of this kind: use “Other” here."), "kind"
            )
    if variant:
        _check_variants(item, group, len(choices), high)
    if not 0 <= low <= high or high < 1:
        raise CatalogError(
            _("The minimum must be from 0 up to the maximum, and the maximum at least 1."),
            "min_choices",
        )
    if low > len(choices):
        raise CatalogError(_("The minimum is more than the choices there are."), "min_choices")
    return GroupData(name, kind, low, min(high, len(choices)), choices, variant)


def _check_variants(item: Item, group: OptionGroup | None, count: int, high: int) -> None:
    """A variant group is one choice, one of at most MAX_VARIANT_GROUPS, and all of them
    make at most MAX_COMBINATIONS combinations."""
    if high != 1:
        raise CatalogError(_("A variant is one choice: set the maximum to 1."), "max_choices")
    others = [g for g in item.option_groups if g.defines_variant and g is not group]
    if len(others) >= MAX_VARIANT_GROUPS:
        raise CatalogError(
            _("A product can have at most %(max)d variant groups.", max=MAX_VARIANT_GROUPS),
            "kind",
        )
    combinations = count
    for other in others:
        combinations *= max(1, len(other.choices))
    if combinations > MAX_COMBINATIONS:
        raise CatalogError(
            _(
                "Its variants would make %(count)d combinations; at most %(max)d.",
                count=combinations,
                max=MAX_COMBINATIONS,
            ),
            "choices",
        )


def save_group(item: Item, data: GroupData, group: OptionGroup | None = None) -> OptionGroup:
    """Create or update a group and its choices (flushes); CatalogError names the field."""
    data = _checked(item, data, group)
    if group is None:
        if len(item.option_groups) >= MAX_GROUPS:
            raise CatalogError(
                _("A product can have at most %(max)d option groups.", max=MAX_GROUPS)
            )
        group = OptionGroup(item=item, position=len(item.option_groups))
        db.session.add(group)
    group.name, group.kind, group.is_variant = data.name, data.kind, data.is_variant
    group.min_choices, group.max_choices = data.min_choices, data.max_choices
    existing = {choice.name.casefold(): choice for choice in group.choices}
    kept = []
    for position, (name, delta) in enumerate(data.choices):
        choice = existing.pop(name.casefold(), None) or OptionChoice(group=group)
        choice.name, choice.price_delta_minor, choice.position = name, delta, position
        kept.append(choice)
    group.choices = kept
    db.session.flush()
    _drop_stale_stock(item)
    return group


def delete_group(item: Item, group: OptionGroup) -> None:
    db.session.delete(group)
    db.session.flush()
    db.session.expire(item, ["option_groups"])
    renumber(item.option_groups)
    db.session.flush()
    _drop_stale_stock(item)


def move_group(item: Item, group: OptionGroup, direction: Direction) -> bool:
    groups = list(item.option_groups)
    index = groups.index(group)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(groups):
        return False
    groups[index], groups[other] = groups[other], groups[index]
    renumber(groups)
    db.session.flush()
    db.session.expire(item, ["option_groups"])
    return True


@dataclass(frozen=True)
class Combination:
    key: str
    label: str  # "M / azul"
    stock: int | None


def combinations(item: Item) -> list[Combination]:
    """Every combination of its variant groups with its stock (None: not counted); []
    without any."""
    groups = [g.choices for g in item.option_groups if g.defines_variant and g.choices]
    if not groups:
        return []
    stock = {row.key: row.stock for row in item.variant_stock}
    found = []
    for combo in itertools.islice(itertools.product(*groups), MAX_COMBINATIONS):
        key = combination_key(choice.id for choice in combo)
        found.append(Combination(key, " / ".join(c.name for c in combo), stock.get(key)))
    return found


def set_variant_stock(
    item: Item, values: dict[str, int | None], loaded: dict[str, int | None] | None = None
) -> list[StockChanged]:
    """Set the stock of combinations by key (None: stop counting); unknown keys refused.

    With `loaded` (the counts the form showed), only the counts the merchant changed
    are written, and those orders changed meanwhile come back refused (stock_edits).
    """
    known = {combo.key for combo in combinations(item)}
    rows = {row.key: row for row in item.variant_stock}
    for key, value in values.items():
        if key not in known:
            raise CatalogError(_("These sizes or colours changed meanwhile. Reload the page."))
        if value is not None and not 0 <= value <= MAX_STOCK:
            raise CatalogError(_("Write a whole number from 0 to %(max)d.", max=MAX_STOCK), key)
    if loaded is not None:
        return set_combination_stock(item, loaded, values)
    for key, value in values.items():
        row = rows.get(key)
        if value is None and row is not None:
            item.variant_stock.remove(row)
        elif value is not None and row is None:
            item.variant_stock.append(VariantStock(key=key, stock=value))
        elif row is not None:
            row.stock = value
    db.session.flush()
    return []


def copy_options(source: Item, copy: Item) -> None:
    """Give `copy` the groups and choices of `source`, and the stock of its combinations.

    The copy's choices are new rows with new ids, so each counted combination's key
    is written again with them. Flushes.
    """
    new_ids: dict[int, int] = {}
    pairs = []
    for group in source.option_groups:
        twin = OptionGroup(
            item=copy,
            name=group.name,
            kind=group.kind,
            is_variant=group.is_variant,
            min_choices=group.min_choices,
            max_choices=group.max_choices,
            position=group.position,
            choices=[
                OptionChoice(
                    name=c.name, price_delta_minor=c.price_delta_minor, position=c.position
                )
                for c in group.choices
            ],
        )
        db.session.add(twin)
        pairs.append((group, twin))
    db.session.flush()
    for group, twin in pairs:
        new_ids.update(
            zip((c.id for c in group.choices), (c.id for c in twin.choices), strict=True)
        )
    for row in source.variant_stock:
        old_ids = [int(part) for part in row.key.split("-")]
        if all(choice_id in new_ids for choice_id in old_ids):
            key = combination_key(new_ids[choice_id] for choice_id in old_ids)
            copy.variant_stock.append(VariantStock(key=key, stock=row.stock))
    db.session.flush()


def _drop_stale_stock(item: Item) -> None:
    """Forget the stock of combinations that no longer exist (a choice or group removed)."""
    db.session.expire(item, ["option_groups", "variant_stock"])
    known = {combo.key for combo in combinations(item)}
    for row in list(item.variant_stock):
        if row.key not in known:
            item.variant_stock.remove(row)
    db.session.flush()
