"""Product options: which choices a cart line may have, and what they do to its price.

The browser only sends choice ids; everything else (names, groups, price changes)
comes from the database, and a line whose choices break the item's rules is refused
with a message naming the product and the group. No HTTP here.
"""

from __future__ import annotations

from collections.abc import Iterable

from shop.catalog.variants import combination_key
from shop.lib.text import whole_number
from shop.models import Item, OptionChoice
from shop.web.translating import gettext as _

MAX_CHOICES_PER_LINE = 50  # far above any real product; bounds the work a cart can ask


class ChoiceError(ValueError):
    """Choices the item does not accept; the message is for the shopper."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_choice_ids(raw: object) -> tuple[int, ...] | None:
    """The choice ids a cart line sent (a list of numbers or digit strings), or None.

    A missing value means no choices. Anything else malformed is None: the caller
    refuses the line rather than guess.
    """
    if raw is None or raw == "":
        return ()
    if not isinstance(raw, list | tuple) or len(raw) > MAX_CHOICES_PER_LINE:
        return None
    ids = []
    for value in raw:
        number = whole_number(value)
        if number is None or number < 1:
            return None
        ids.append(number)
    return tuple(ids)


def line_key(item_id: int, choice_ids: Iterable[int]) -> str:
    """What tells two cart lines apart: the item and its choices ("12" or "12:7-31")."""
    key = combination_key(choice_ids)
    return f"{item_id}:{key}" if key else str(item_id)


def check_choices(item: Item, choice_ids: tuple[int, ...]) -> list[OptionChoice]:
    """The chosen OptionChoice rows in the page's order, or ChoiceError saying what is wrong.

    Every id must be a choice of this item, at most once; every group gets between
    its minimum and maximum number of choices.
    """
    by_id = {choice.id: choice for group in item.option_groups for choice in group.choices}
    if len(set(choice_ids)) != len(choice_ids):
        raise ChoiceError(
            _("“%(name)s”: the same option was chosen twice. Choose again.", name=item.name)
        )
    if any(choice_id not in by_id for choice_id in choice_ids):
        raise ChoiceError(
            _(
                "The options chosen for “%(name)s” are no longer offered. "
                "Remove it and add it again from its page.",
                name=item.name,
            )
        )
    chosen = set(choice_ids)
    result = []
    for group in item.option_groups:
        picked = [choice for choice in group.choices if choice.id in chosen]
        if len(picked) < group.min_choices:
            if group.min_choices == 1:
                message = _("Choose %(group)s for “%(name)s”.", group=group.name, name=item.name)
            else:
                message = _(
                    "Choose at least %(min)d of %(group)s for “%(name)s”.",
                    min=group.min_choices,
                    group=group.name,
                    name=item.name,
                )
            raise ChoiceError(message)
        if len(picked) > group.max_choices:
            raise ChoiceError(
                _(
                    "Choose at most %(max)d of %(group)s for “%(name)s”.",
                    max=group.max_choices,
                    group=group.name,
                    name=item.name,
                )
            )
        result.extend(picked)
    return result


def unit_price(item: Item, choices: Iterable[OptionChoice]) -> int:
    """The item's price with its choices' changes; never below zero."""
    return max(0, item.price_minor + sum(choice.price_delta_minor for choice in choices))


def describe(choices: Iterable[OptionChoice]) -> str:
    """The choices as a line of text: "Talla: M, Color: azul, Extras: queso, bacon"."""
    groups: dict[int, tuple[str, list[str]]] = {}
    for choice in choices:
        groups.setdefault(choice.group_id, (choice.group.name, []))[1].append(choice.name)
    return ", ".join(f"{name}: {', '.join(names)}" for name, names in groups.values())


def snapshot(choices: Iterable[OptionChoice]) -> list[dict]:
    """The choices as data for the order record (kept even if the item changes later)."""
    return [
        {
            "group": choice.group.name,
            "choice": choice.name,
            "choice_id": choice.id,
            "delta": choice.price_delta_minor,
        }
        for choice in choices
    ]
