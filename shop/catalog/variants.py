"""Variants: the size/colour combinations an item comes in, each named by a key.

A combination is named by its choice ids, sorted and joined ("7-12"), so the stock
rows, the cart's lines, the sold-out marks and the feed's rows all speak of the same
variant the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from shop.models import Item, OptionChoice, OptionGroup


def combination_key(choice_ids: Iterable[int]) -> str:
    """The canonical text of a set of choices: sorted ids joined by "-" ("" for none)."""
    return "-".join(str(choice_id) for choice_id in sorted(set(choice_ids)))


def variant_groups(item: Item) -> list[OptionGroup]:
    """The size/colour groups, whose choices make the item's variants."""
    return [group for group in item.option_groups if group.defines_variant]


def variant_key(item: Item, choices: Iterable[OptionChoice]) -> str | None:
    """The key of the size/colour combination among `choices`; None if the item has none."""
    groups = {group.id for group in variant_groups(item)}
    if not groups:
        return None
    return combination_key(choice.id for choice in choices if choice.group_id in groups)
