"""Adjusting an order before it ships: quantities, choices, lines, added products,
shipping, and the shopper's details.

What the shopper and the merchant agreed in the chat ("no M left, L instead") becomes the
order. Untouched lines keep the price and discount share recorded at order time; a
changed or added line is priced as today (shop.ordering.pricing); stock is given back and
taken by the checkout's own conditional UPDATEs (shop.ordering.stock), so an edit racing a
checkout for the last units never takes stock below zero. A discount is not applied
again: a line keeps its recorded share (never above its new total), a removed line's
share goes with it, an added line gets none, and a new shipping method keeps at most the
shipping discount it had. Totals are integers of minor units, so they are exact. A
line's new choices ("L instead of M") are checked by checkout's own rules
(shop.ordering.choices) and make it a changed line; the shopper's name, number and
address by checkout's too (shop.ordering.order_details).

Two tabs: an edit names the version its form showed and claims the order with
``UPDATE ... SET version = version + 1 WHERE version = <seen>``; the second one finds no
row and is told. Each edit is one row of the order's history (kind EDIT) with who, when,
and what changed, before and after. Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from shop.activity import record
from shop.extensions import db
from shop.lib.text import whole_number
from shop.models import Activity, ActivityKind, Order, OrderLine, Shop, User
from shop.ordering import order_details, stock
from shop.ordering.cart import MAX_LINES, MAX_QUANTITY, Customer, OrderError, choose_offered
from shop.ordering.choices import parse_choice_ids, snapshot
from shop.ordering.offers import offers
from shop.ordering.pricing import price_line, price_lines
from shop.ordering.shipping import shipping_price
from shop.ordering.statuses import FINAL, status_label


class EditError(OrderError):
    """The edit was not made; the message is for the merchant."""


class EditConflict(EditError):
    """Another tab (or a double submit) changed the order after this form was shown."""


class NothingChanged(EditError):
    """The form asked for the order as it already is."""


@dataclass(frozen=True)
class Edit:
    """What the merchant asked: new quantities by line id (0 removes; a line not named is
    untouched), new choice ids by line id, lines to add as (item id, quantity, choice
    ids), a shipping method id (None keeps the recorded shipping) and the shopper's
    details as typed (None keeps them)."""

    quantities: dict[int, object] = field(default_factory=dict)
    added: list[tuple] = field(default_factory=list)
    shipping_method_id: object = None
    choices: dict[int, object] = field(default_factory=dict)
    customer: Customer | None = None


def check_editable(order: Order) -> None:
    """Delivered and cancelled orders are what the merchant reconciles: never edited."""
    if order.status in FINAL:
        raise EditError(
            _(
                "An order that is %(status)s cannot be changed.",
                status=status_label(order.status).lower(),
            )
        )


def edit_order(
    order: Order,
    edit: Edit,
    *,
    seen_version: object,
    by: User | None = None,
    now: datetime | None = None,
) -> Activity:
    """Apply `edit` to `order` and record it; EditError (nothing written that the caller
    does not roll back) when it cannot be made."""
    check_editable(order)
    seen = whole_number(seen_version)
    if seen != order.version:
        raise EditConflict(_("This order changed meanwhile. Reload it and edit it again."))
    shop = order.shop
    before = summary(order)
    wanted = _line_changes(order, edit.quantities, edit.choices)
    changed = [line for line in order.lines if line.id in wanted]
    repriced = {
        line.id: price_line(shop, line.item_id, *wanted[line.id], line.label)
        for line in changed
        if wanted[line.id][0] > 0
    }
    added = price_lines(shop, edit.added) if edit.added else []
    method = _shipping(order, edit.shipping_method_id)
    details = None
    if edit.customer is not None:
        details = order_details.checked(order, edit.customer, method)
        details = None if details == order_details.current(order) else details
    if not changed and not added and method is None and details is None:
        raise NothingChanged(_("Nothing was changed."))
    kept = len(order.lines) - sum(1 for line in changed if wanted[line.id][0] == 0)
    if kept + len(added) == 0:
        raise EditError(_("An order needs at least one product: cancel it instead."))
    if kept + len(added) > MAX_LINES:
        raise EditError(_("An order can have at most %(max)d lines.", max=MAX_LINES))
    _claim(order, seen)
    try:
        _apply_lines(order, changed, repriced, added)
    except stock.OutOfStock as error:
        raise EditError(error.message) from None
    _apply_shipping(order, method)
    if details is not None:
        order_details.apply(order, details)
    _total(order)
    return record(
        order.shop_id,
        ActivityKind.EDIT,
        by=by,
        order=order,
        details=edit_details(before, summary(order)),
        at=now,
    )


def _quantities(order: Order, raw: dict[int, object]) -> dict[int, int]:
    """The lines whose quantity changes, with their new quantity (0: removed)."""
    lines = {line.id: line for line in order.lines}
    result = {}
    for line_id, value in raw.items():
        line = lines.get(whole_number(line_id))
        if line is None:
            raise EditConflict(_("This order changed meanwhile. Reload it and edit it again."))
        quantity = whole_number(value)
        if quantity is None or not 0 <= quantity <= MAX_QUANTITY:
            raise EditError(
                _(
                    "The quantity of “%(name)s” must be a whole number from 0 to %(max)d.",
                    name=line.label,
                    max=MAX_QUANTITY,
                )
            )
        if quantity != line.quantity:
            if quantity and line.item_id is None:
                raise EditError(
                    _(
                        "“%(name)s” is no longer in the catalog: it can only be removed.",
                        name=line.label,
                    )
                )
            result[line.id] = quantity
    return result


def _line_changes(
    order: Order, raw_quantities: dict[int, object], raw_choices: dict[int, object]
) -> dict[int, tuple[int, tuple[int, ...]]]:
    """The lines that change, with their new (quantity, choice ids)."""
    quantities = _quantities(order, raw_quantities)
    lines = {line.id: line for line in order.lines}
    choices = {}
    for line_id, raw in raw_choices.items():
        line = lines.get(whole_number(line_id))
        if line is None:
            raise EditConflict(_("This order changed meanwhile. Reload it and edit it again."))
        ids = parse_choice_ids(raw)
        if ids is None:
            raise EditError(_("Choose the options of “%(name)s” again.", name=line.label))
        if sorted(ids) == sorted(_choice_ids(line)):
            continue
        if line.item_id is None:
            raise EditError(
                _(
                    "“%(name)s” is no longer in the catalog: it can only be removed.",
                    name=line.label,
                )
            )
        choices[line.id] = ids
    return {
        line.id: (quantities.get(line.id, line.quantity), choices.get(line.id, _choice_ids(line)))
        for line in order.lines
        if line.id in quantities or line.id in choices
    }


def _choice_ids(line: OrderLine) -> tuple[int, ...]:
    return tuple(choice["choice_id"] for choice in line.options or [] if choice.get("choice_id"))


def _shipping(order: Order, raw_id: object):
    """The newly chosen method; None when the recorded shipping stays."""
    if raw_id is None or raw_id == "":
        return None
    method = choose_offered(
        offers(order.shop).shipping,
        raw_id,
        field="shipping",
        missing="",
        withdrawn=_("That delivery option is no longer offered. Choose another one."),
    )
    return method


def _claim(order: Order, seen: int) -> None:
    """Compare-and-set on the version (and the status, for a move racing this edit).

    Stock writes move the shop's catalog version (a trigger updates the shop row), and
    checkout and a cancel lock that row first: lock it now, before the order row, in the
    same order, so an edit racing a checkout or a cancel of this order queues behind it
    instead of deadlocking (PostgreSQL). FOR NO KEY UPDATE, as checkout's own UPDATE of the
    row: a foreign key check of another transaction (FOR KEY SHARE) is not held up."""
    db.session.execute(
        select(Shop.id).where(Shop.id == order.shop_id).with_for_update(key_share=True)
    )
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.version == seen, Order.status.not_in(FINAL))
        .values(version=Order.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(order, ["status", "version"])
        check_editable(order)
        raise EditConflict(_("This order changed meanwhile. Reload it and edit it again."))
    set_committed_value(order, "version", seen + 1)


def _apply_lines(order: Order, changed: list[OrderLine], repriced: dict, added: list) -> None:
    """Give back what changed lines took, take what they and added lines need now."""
    touched = set()
    for line in changed:
        stock.give_back_line(line)
        touched.add(line.item_id)
        priced = repriced.get(line.id)
        if priced is None:
            order.lines.remove(line)
            continue
        line.stock_taken = _take(priced)
        line.name, line.code = priced.item.name, priced.item.code or ""
        line.options_text, line.options = priced.options_text, snapshot(priced.choices)
        line.quantity = priced.quantity
        line.unit_price_minor = priced.unit_price_minor
        line.line_total_minor = priced.line_total_minor
        line.discount_minor = min(line.discount_minor, line.line_total_minor)
    position = max((line.position for line in order.lines), default=-1) + 1
    for offset, priced in enumerate(added):
        touched.add(priced.item.id)
        order.lines.append(
            OrderLine(
                item_id=priced.item.id,
                position=position + offset,
                name=priced.item.name,
                code=priced.item.code or "",
                unit_price_minor=priced.unit_price_minor,
                quantity=priced.quantity,
                line_total_minor=priced.line_total_minor,
                discount_minor=0,
                options_text=priced.options_text,
                options=snapshot(priced.choices),
                stock_taken=_take(priced),
            )
        )
    stock.refresh_items(touched - {None})


def _take(priced) -> dict | None:
    taken = stock.take(stock.Want(priced.item, priced.quantity, priced.variant), priced.label)
    return taken if taken["item"] or taken["variant"] else None


def _apply_shipping(order: Order, method) -> None:
    if method is None:
        return
    subtotal = sum(line.line_total_minor for line in order.lines)
    order.shipping_name = method.name
    order.shipping_needs_address = bool(method.needs_address)
    order.shipping_price_minor = shipping_price(method, subtotal)
    order.discount_shipping_minor = min(order.discount_shipping_minor, order.shipping_price_minor)


def _total(order: Order) -> None:
    """Subtotal, discount and total from the lines and shipping, to the minor unit."""
    order.subtotal_minor = sum(line.line_total_minor for line in order.lines)
    order.discount_minor = (
        sum(line.discount_minor for line in order.lines) + order.discount_shipping_minor
    )
    order.total_minor = order.subtotal_minor + order.shipping_price_minor - order.discount_minor


def summary(order: Order) -> dict:
    """The order as the edit history keeps it: lines, shipping, totals and the shopper's
    details."""
    return {
        "lines": [
            {
                "id": line.id,
                "label": line.label,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
                "line_total_minor": line.line_total_minor,
            }
            for line in order.lines
        ],
        "shipping": [order.shipping_name, order.shipping_price_minor],
        "subtotal_minor": order.subtotal_minor,
        "discount_minor": order.discount_minor,
        "total_minor": order.total_minor,
        "customer": {
            "name": order.customer_name,
            "phone": order.customer_phone or "",
            "address": order.customer_address or "",
        },
    }


def edit_details(before: dict, after: dict) -> dict:
    """Before, after, the changed lines in a few words each (a line whose choices changed
    also keeps its label before) and the changed details (for the history)."""
    old = {line["id"]: line for line in before["lines"]}
    new = {line["id"]: line for line in after["lines"] if line["id"] is not None}
    changes = []
    for line_id, line in old.items():
        now = new.get(line_id)
        if now is None or (now["quantity"], now["label"]) != (line["quantity"], line["label"]):
            change = {
                "label": now["label"] if now else line["label"],
                "before": line["quantity"],
                "after": now["quantity"] if now else 0,
            }
            if now is not None and now["label"] != line["label"]:
                change["before_label"] = line["label"]
            changes.append(change)
    for line in after["lines"]:
        if line["id"] not in old:
            changes.append({"label": line["label"], "before": 0, "after": line["quantity"]})
    customer = order_details.differences(before.get("customer"), after.get("customer"))
    return {"before": before, "after": after, "changes": changes, "customer": customer}
