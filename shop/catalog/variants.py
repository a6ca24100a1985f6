"""Variants: the combinations of its variant groups an item comes in, each named by a key.

A combination is named by its choice ids, sorted and joined ("7-12"), so the stock
rows, the cart's lines, the sold-out marks and the feed's rows all speak of the same
variant the same way. A variant group is a size, a colour, or any dimension the
merchant names (OptionGroup.is_variant); Meta's feed has a column for sizes, colours,
materials and patterns, and one "Label:Value" list for any other (feed_attribute).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from shop.models import Item, OptionChoice, OptionGroup, OptionKind

# Meta's own feed columns for a variant group, found by its kind or, for a material or
# a pattern (no kind of their own), by its name in English, Spanish or Portuguese.
MATERIAL_NAMES = frozenset({"material", "materiales", "materiais", "tela", "tecido"})
PATTERN_NAMES = frozenset({"pattern", "estampado", "estampa", "patron", "padrao"})
FEED_ATTRIBUTES = ("size", "color", "material", "pattern")
ADDITIONAL = "additional_variant_attribute"


def combination_key(choice_ids: Iterable[int]) -> str:
    """The canonical text of a set of choices: sorted ids joined by "-" ("" for none)."""
    return "-".join(str(choice_id) for choice_id in sorted(set(choice_ids)))


def variant_groups(item: Item) -> list[OptionGroup]:
    """The variant groups (sizes, colours, any other), whose choices make the variants."""
    return [group for group in item.option_groups if group.defines_variant]


def variant_key(item: Item, choices: Iterable[OptionChoice]) -> str | None:
    """The key of the variant combination among `choices`; None if the item has none."""
    groups = {group.id for group in variant_groups(item)}
    if not groups:
        return None
    return combination_key(choice.id for choice in choices if choice.group_id in groups)


def plain_name(name: str) -> str:
    """``Estampado `` -> ``estampado``: accents, case, spaces and punctuation aside."""
    text = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in text.casefold() if ch.isalnum() and ch.isascii())


def feed_attributes(groups: Iterable[OptionGroup]) -> dict[int, str]:
    """Group id -> the feed column its choices go to: ``size``, ``color``, ``material``,
    ``pattern``, or ADDITIONAL (a "Label:Value" pair); each column used once."""
    found: dict[int, str] = {}
    used: set[str] = set()
    for group in groups:
        if group.kind == OptionKind.SIZE:
            column = "size"
        elif group.kind == OptionKind.COLOR:
            column = "color"
        elif plain_name(group.name) in MATERIAL_NAMES:
            column = "material"
        elif plain_name(group.name) in PATTERN_NAMES:
            column = "pattern"
        else:
            column = ADDITIONAL
        if column in used and column != ADDITIONAL:
            column = ADDITIONAL
        used.add(column)
        found[group.id] = column
    return found


def attribute_text(text: str) -> str:
    """A label or value as it can sit in Meta's "Label:Value, Label:Value" list."""
    return " ".join(text.replace(":", " ").replace(",", " ").split())
