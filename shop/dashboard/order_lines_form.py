"""The product rows of the merchant's order forms (editing an order, recording one).

Works without JavaScript: "Add" sends the form with what was typed so far and the page
comes back with one more row for the picked product, its option groups as fields; only
"Save" writes. Rows are read from the posted form as raw lines
(item id, quantity, choice ids), exactly what shop.ordering prices; anything malformed
is left for the pricing to refuse. Another shop's item is never shown: rows are loaded
through the current shop.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.lib.text import whole_number
from shop.models import Availability, Item, OptionGroup, Shop
from shop.ordering.cart import MAX_LINES


@dataclass(frozen=True)
class Row:
    """A product row of the form: the item (None: not the shop's), quantity as typed,
    the chosen choice ids."""

    item_id: int | None
    item: Item | None
    quantity: str
    choice_ids: tuple[int, ...]

    @property
    def raw_line(self) -> tuple:
        return (self.item_id, self.quantity, list(self.choice_ids))


def posted_rows(shop: Shop) -> list[Row]:
    """The added rows as posted, plus the picked product when "Add" was tapped; rows
    with quantity 0 are dropped (the merchant's way to take one back)."""
    form = request.form
    count = min(whole_number(form.get("new-count")) or 0, MAX_LINES)
    wanted = []
    for n in range(count):
        item_id = whole_number(form.get(f"new-item-{n}"))
        quantity = (form.get(f"new-qty-{n}") or "").strip()[:6]
        if item_id is None or quantity == "0":
            continue
        choices = tuple(
            number
            for number in (whole_number(v) for v in form.getlist(f"new-choice-{n}")[:50])
            if number
        )
        wanted.append((item_id, quantity, choices))
    picked = whole_number(form.get("pick"))
    if form.get("action") == "add" and picked and len(wanted) < MAX_LINES:
        wanted.append((picked, "1", ()))
    items = _items(shop, {item_id for item_id, _q, _c in wanted})
    return [Row(i, items.get(i), q, c) for i, q, c in wanted]


def _items(shop: Shop, ids: set[int]) -> dict[int, Item]:
    if not ids:
        return {}
    return {
        item.id: item
        for item in db.session.scalars(
            select(Item)
            .where(Item.shop_id == shop.id, Item.id.in_(ids))
            .options(selectinload(Item.option_groups).selectinload(OptionGroup.choices))
        )
    }


def pickable(shop: Shop) -> list[tuple[int, str, int]]:
    """What the merchant may add: the shop's available products, by name."""
    return list(
        db.session.execute(
            select(Item.id, Item.name, Item.price_minor)
            .where(Item.shop_id == shop.id, Item.availability == Availability.AVAILABLE)
            .order_by(Item.name, Item.id)
        ).all()
    )
