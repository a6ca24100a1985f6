"""When an item is sold out, decided in one place: the merchant said so, its own count
is at zero, or every combination of its variant groups is counted and at zero.

A combination that is not counted (no VariantStock row) can always be ordered, so
an item is sold out through its combinations only when all of them have a row at
zero. `is_sold_out` is the rule; the shop page asks it of every card inside its one
items statement (CARD_STATE, the same rule in SQL); the product page, which has read
the choices and the sold-out keys anyway, works it out from them; the no-JavaScript
order form and the Meta feed ask it of an item as the ORM loaded it (item_sold_out).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable

from sqlalchemy import case, exists, false, func, or_, select

from shop.catalog.variants import combination_key
from shop.models import Availability, Item, OptionChoice, OptionGroup, VariantStock


def _choices_of_variant_group(number: int):
    """How many choices the item's `number`-th variant group has (0 without one)."""
    group = (
        select(OptionGroup.id)
        .where(OptionGroup.item_id == Item.id, OptionGroup.is_variant.is_(True))
        .order_by(OptionGroup.id)
        .limit(1)
        .offset(number)
        .correlate(Item)
        .scalar_subquery()
    )
    return (
        select(func.count(OptionChoice.id))
        .where(OptionChoice.group_id == group)
        .correlate(Item)
        .scalar_subquery()
    )


def _at_least_one(count):
    return case((count == 0, 1), else_=count)


_GONE = VariantStock.item_id == Item.id, VariantStock.stock <= 0
_GONE_COUNT = select(func.count()).where(*_GONE).correlate(Item).scalar_subquery()
# An item has at most MAX_VARIANT_GROUPS variant groups (shop.catalog.options), so its
# combinations number the product of their choices; its VariantStock rows are only
# ever of combinations that exist (stale ones are dropped when the groups change).
_COMBINATIONS = (
    _at_least_one(_choices_of_variant_group(0))
    * _at_least_one(_choices_of_variant_group(1))
    * _at_least_one(_choices_of_variant_group(2))
)
# Most items have no sold-out combination: one index probe, and the counting only
# for the few that do.
_VARIANTS_SOLD_OUT = case(
    (select(VariantStock.id).where(*_GONE).correlate(Item).exists(), _GONE_COUNT >= _COMBINATIONS),
    else_=false(),
)
_HAS_OPTIONS = exists().where(OptionGroup.item_id == Item.id).correlate(Item)

# What a card offers, worked out in the shop page's one statement: the verdict of
# shows_sold_out below, and whether options are chosen on the product page first.
# One small number per card instead of four columns, and items without options
# (most) need one index probe, not two.
CARD_ADD, CARD_CHOOSE, CARD_SOLD_OUT = 0, 1, 2
CARD_STATE = case(
    (or_(Item.availability == Availability.SOLD_OUT, Item.stock == 0), CARD_SOLD_OUT),
    (~_HAS_OPTIONS, CARD_ADD),
    (_VARIANTS_SOLD_OUT, CARD_SOLD_OUT),
    else_=CARD_CHOOSE,
)


def all_combinations_sold_out(groups: Iterable, sold_out_keys: Collection[str]) -> bool:
    """Whether every variant combination of these groups (GroupView or OptionGroup)
    is among the sold-out keys; False for an item without such groups."""
    choices = [group.choices for group in groups if group.defines_variant and group.choices]
    if not choices or not sold_out_keys:
        return False
    return all(
        combination_key(choice.id for choice in combo) in sold_out_keys
        for combo in itertools.product(*choices)
    )


def is_sold_out(availability, stock: int | None, variants_sold_out: bool = False) -> bool:
    """The rule: the merchant marked it sold out, its own count is at zero, or every
    size/colour combination is counted and at zero (see all_combinations_sold_out)."""
    return availability == Availability.SOLD_OUT or stock == 0 or bool(variants_sold_out)


def shows_sold_out(item) -> bool:
    """The card's or product page's verdict (CardRow or ItemView)."""
    return is_sold_out(item.availability, item.stock, item.variants_sold_out)


def sold_out_keys(item: Item) -> list[str]:
    """The keys of the item's counted combinations with no units left."""
    return [row.key for row in item.variant_stock if row.stock <= 0]


def item_sold_out(item: Item) -> bool:
    """The verdict for an item as the ORM loaded it, its groups and stock rows included."""
    variants = all_combinations_sold_out(item.option_groups, sold_out_keys(item))
    return is_sold_out(item.availability, item.stock, variants)
