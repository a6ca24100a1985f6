"""An order's rows, worked out before it is written and written in three statements.

Why in this shape: the checkout's first write (the order number) locks the shop's row
on PostgreSQL, and the whole database on SQLite, until the request commits, so every
other checkout of the shop waits through whatever runs between that write and the
commit. Everything the rows hold is therefore worked out first, as plain values (the
number, the slot's booking, the stock taken and the time are all that come later);
then the writes go back to back, and the ORM's objects are made from values already
in hand rather than through its unit of work, which costs more CPU than everything
else a checkout does with the database. Functions flush, never commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from shop.extensions import db
from shop.models import Activity, ActivityKind, Order, OrderLine, OrderStatus, Shop
from shop.models.base import utcnow
from shop.models.customers import customer_key
from shop.ordering import zones
from shop.ordering.cart import Customer, PricedCart
from shop.ordering.choices import snapshot
from shop.ordering.coupons import Chosen

_ORDERS = Order.__table__
# Written by the database: the id, and the customer (named by a trigger; on SQLite a
# RETURNING would show the row from before it ran, so the ORM reads it when asked).
_BY_DATABASE = frozenset({"id", "customer_id"})
# Every other column's value when the order does not give one: the column's own
# default, or None. Giving them all keeps the ORM object whole (nothing to read back).
_ORDER_DEFAULTS = {
    column.key: column.default.arg if column.default is not None else None
    for column in _ORDERS.columns
    if column.key not in _BY_DATABASE and (column.default is None or column.default.is_scalar)
}
# Columns whose default is computed (created_at, customer_key) are given by order_values.
_INSERT_ORDER = insert(_ORDERS).returning(_ORDERS.c.id)
# Its arrival, the first row of its history (shop.activity: the shop's activity log).
_INSERT_NEW_STATUS = insert(Activity.__table__).values(
    kind=ActivityKind.STATUS, status=OrderStatus.NEW
)
_INSERT_LINES = insert(OrderLine.__table__)


# Known only once the writes have begun: set by the caller (number, slot) or here (time).
_LATE = ("number", "slot_at", "slot_ends_at", "slot_booking_id", "created_at")


@dataclass
class OrderRows:
    """The order and its lines as column values, before the number is taken, and the
    ORM objects that will stand for them (made now: constructing them is CPU the
    shop's other checkouts should not wait through)."""

    order: dict
    lines: list[dict]
    order_object: Order
    line_objects: list[OrderLine]


def order_rows(
    shop: Shop,
    cart: PricedCart,
    customer: Customer,
    idempotency_key: str,
    accepted=None,
    chosen: Chosen | None = None,
    placed: zones.Placed | None = None,
) -> OrderRows:
    """Every value of the order's row and its lines' but the number, the slot and the
    stock taken (see the module docstring); nothing is written."""
    shipping = cart.shipping
    payment = accepted.payment if accepted is not None else None
    off = chosen.applied if chosen is not None else None
    line_offs = off.lines_minor if off is not None else (0,) * len(cart.lines)
    order = _ORDER_DEFAULTS | {
        "shop_id": shop.id,
        "token": secrets.token_urlsafe(32),
        "idempotency_key": idempotency_key,
        "status": OrderStatus.NEW,
        "currency": shop.currency,
        "currency_exponent": shop.currency_exponent,
        "language": shop.language,
        "customer_name": customer.name,
        "customer_address": customer.address,
        "customer_notes": customer.notes,
        "customer_phone": customer.phone,
        # The column's default (key_of_order_row) computes the same from the row.
        "customer_key": customer_key(customer.name or "", customer.phone or ""),
        "shipping_name": shipping.name if shipping is not None else "",
        "shipping_price_minor": cart.shipping_minor,
        "shipping_needs_address": bool(shipping is not None and shipping.needs_address),
        "subtotal_minor": cart.subtotal_minor,
        "total_minor": cart.total_minor - (off.total_minor if off is not None else 0),
        "discount_code": chosen.discount.shown_code if chosen is not None else "",
        "discount_name": chosen.discount.name if chosen is not None else "",
        "discount_minor": off.total_minor if off is not None else 0,
        "discount_shipping_minor": off.shipping_minor if off is not None else 0,
        "discount_id": chosen.discount.id if chosen is not None else None,
        "payment_kind": payment.kind.value if payment is not None else "",
        "payment_name": payment.name if payment is not None else "",
        "payment_details": payment.details if payment is not None else "",
        "closed_note": accepted.closed_note if accepted is not None else "",
        **zones.order_fields(placed),
    }
    lines = []
    for position, line in enumerate(cart.lines):
        unit_price = line.unit_price_minor
        lines.append(
            {
                "item_id": line.item.id,
                "position": position,
                "name": line.item.name,
                "code": line.item.code or "",
                "unit_price_minor": unit_price,
                "quantity": line.quantity,
                "line_total_minor": unit_price * line.quantity,
                "discount_minor": line_offs[position],
                "options_text": line.options_text,
                "options": snapshot(line.choices),
                "stock_taken": None,
            }
        )
    return OrderRows(order, lines, _unsaved(Order, order), [_unsaved(OrderLine, v) for v in lines])


def _unsaved(model: type, values: dict):
    """An instance of `model` holding `values` in its state, as the ORM's loader fills
    one: the constructor's attribute event for each of some sixty columns records
    history that make_transient_to_detached (_as_loaded) drops anyway. The values
    written later are put in the same way. (Order and OrderLine have no validators.)"""
    instance = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


def insert_order(shop: Shop, rows: OrderRows) -> Order:
    """Write the order, its first status and its lines (three statements), and give the
    order as the session would have loaded it, with its shop and lines in place.

    `rows` are complete: the number, the slot's fields and each line's stock_taken set
    by the caller. The time is taken here, as the table's default took it at insert."""
    values = rows.order
    values["created_at"] = utcnow()
    connection = db.session.connection()
    order_id = connection.execute(_INSERT_ORDER, values).scalar_one()
    connection.execute(
        _INSERT_NEW_STATUS,
        {"order_id": order_id, "shop_id": shop.id, "subject": f"#{values['number']}"},
    )
    for line in rows.lines:
        line["order_id"] = order_id
    connection.execute(_INSERT_LINES, rows.lines)
    return _as_loaded(shop, order_id, rows)


def _as_loaded(shop: Shop, order_id: int, rows: OrderRows) -> Order:
    """The ORM's objects for the rows just written: persistent, every column loaded but
    the customer (its trigger's), the shop and the lines in place. Nothing is read back:
    the answer (number, link, the WhatsApp message) is built from them."""
    order = rows.order_object
    state = order.__dict__
    for key in _LATE:
        state[key] = rows.order[key]
    state["id"] = order_id
    for line, values in zip(rows.line_objects, rows.lines, strict=True):
        line.__dict__["order_id"] = order_id
        line.__dict__["stock_taken"] = values["stock_taken"]
    make_transient_to_detached(order)  # as loaded: every value committed, no history
    db.session.add(order)
    set_committed_value(order, "shop", shop)
    # The lines as the order holds them; their ids are the database's, never needed here.
    set_committed_value(order, "lines", rows.line_objects)
    db.session.expire(order, ["customer_id"])
    return order
