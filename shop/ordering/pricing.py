"""Today's price of a line already in an order, for an edit (shop.ordering.edits).

A line the shopper ordered is priced as checkout would price it now (the item's price
and its recorded choices' changes, shop.ordering.choices), but the item may have been
hidden or marked sold out since: the merchant may still change a line that is in the
order. Whether the units exist is left to the stock take itself. No HTTP here.
"""

from __future__ import annotations

from flask_babel import gettext as _

from shop.models import Shop
from shop.ordering.cart import OrderError, PricedLine, load_items, price_lines
from shop.ordering.choices import ChoiceError, check_choices

__all__ = ["price_line", "price_lines"]


def price_line(
    shop: Shop, item_id: int | None, quantity: int, choice_ids: tuple[int, ...], label: str
) -> PricedLine:
    """The line at `quantity` with today's price; OrderError when its product or its
    choices are gone (the merchant can only remove it then)."""
    item = load_items(shop, {item_id}).get(item_id) if item_id is not None else None
    if item is None:
        raise OrderError(
            _("“%(name)s” is no longer in the catalog: it can only be removed.", name=label)
        )
    try:
        choices = tuple(check_choices(item, choice_ids))
    except ChoiceError as error:
        raise OrderError(error.message) from None
    return PricedLine(item=item, quantity=quantity, choices=choices)
