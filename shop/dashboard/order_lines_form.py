"""The product rows of the merchant's order forms (editing an order, recording one),
and, when editing, each line's options and the shopper's details.

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
from shop.models import Availability, Item, OptionGroup, Order, Shop
from shop.ordering.cart import MAX_LINES, Customer, load_items
from shop.ordering.choices import MAX_CHOICES_PER_LINE


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


@dataclass(frozen=True)
class LineOptions:
    """A line's option groups as its product offers them now, the choices shown as
    picked, and those the form showed first (`was`: what the order recorded)."""

    item: Item
    picked: frozenset[int]
    was: str


def _recorded(line) -> tuple[int, ...]:
    return tuple(c["choice_id"] for c in line.options or [] if c.get("choice_id"))


def line_options(shop: Shop, order: Order) -> dict[int, LineOptions]:
    """By line id, for the lines whose product (still the shop's) has options. On a form
    sent back (an error, "Add"), the choices as posted stay picked."""
    items = load_items(shop, {line.item_id for line in order.lines if line.item_id})
    result = {}
    for line in order.lines:
        item = items.get(line.item_id)
        if item is None or not item.option_groups:
            continue
        offered = {choice.id for group in item.option_groups for choice in group.choices}
        was = [choice_id for choice_id in _recorded(line) if choice_id in offered]
        picked = set(was)
        if f"was-choices-{line.id}" in request.form:
            picked = set(_posted_ids(line.id))
        result[line.id] = LineOptions(item, frozenset(picked), ",".join(map(str, sorted(was))))
    return result


def _posted_ids(line_id: int) -> list[int]:
    values = request.form.getlist(f"choice-{line_id}")[: MAX_CHOICES_PER_LINE + 1]
    return [n for n in (whole_number(v) for v in values) if n]


def posted_choices(order: Order) -> dict[int, list]:
    """New choices by line id, only for the lines whose choices the merchant changed from
    what the form showed (a choice withdrawn since is not a change of theirs)."""
    result = {}
    for line in order.lines:
        was = request.form.get(f"was-choices-{line.id}")
        if was is None:
            continue
        shown = sorted(n for n in (whole_number(v) for v in was.split(",")[:50]) if n)
        values = request.form.getlist(f"choice-{line.id}")[: MAX_CHOICES_PER_LINE + 1]
        posted = [v.strip() for v in values if v.strip()]
        numbers = [whole_number(v) for v in posted]
        if None in numbers or sorted(numbers) != shown:
            result[line.id] = posted  # anything malformed is the pricing's to refuse
    return result


def posted_customer() -> Customer | None:
    """The shopper's details as typed, None when the form had none."""
    form = request.form
    if "customer_name" not in form:
        return None
    return Customer(
        name=form.get("customer_name", ""),
        address=form.get("customer_address", ""),
        phone=form.get("customer_phone", "")[:40],
    )


def typed_customer(order: Order) -> dict:
    """What the details fields show: as posted, else the order's."""
    form = request.form
    if "customer_name" in form:
        return {k: form.get(f"customer_{k}", "") for k in ("name", "phone", "address")}
    return {
        "name": order.customer_name,
        "phone": order.customer_phone or "",
        "address": order.customer_address or "",
    }
