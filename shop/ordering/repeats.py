"""The no-JavaScript form's duplicate rule: the same order sent again is the first one.

The cart script keeps one idempotency key per cart, so its retries are safe. The
server-rendered "order just this" form cannot: after Back, a browser that re-fetches
the form gets a new key, and the server sees no cookie to tell the shopper apart.

The rule: a form submission with the same lines (item, quantity, choices), the same
name (case and spaces aside) and the same shipping method as an order placed in this
shop within REPEAT_WINDOW is that order. The shopper is shown it ("Order #12 is
recorded"), with an explicit "order again" button that skips this rule.

The address, notes, payment and WhatsApp number must match too: otherwise another
shopper of the same name ordering the same thing minutes later would be handed the
first one's order page (its address included). With every field the same, that page
tells them nothing they did not type. No HTTP here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.lib.text import whole_number
from shop.models import Order, Shop, utcnow
from shop.ordering.cart import OrderError
from shop.ordering.choices import parse_choice_ids
from shop.ordering.shopper_phone import check_phone

REPEAT_WINDOW = timedelta(minutes=10)
_LOOK_AT = 50  # recent orders compared at most: a busy shop's ten minutes, and a bound

Fingerprint = tuple


def _plain(text: object) -> str:
    return " ".join(text.split()).casefold() if isinstance(text, str) else ""


def submission_fingerprint(
    shop: Shop,
    raw_lines: Iterable[tuple],
    shipping_method_id: object,
    name: object,
    address: object,
    notes: object,
    payment_method_id: object = None,
    phone: object = "",
) -> Fingerprint | None:
    """What makes a submission the same order; None when it is malformed (no rule then)."""
    lines = []
    for raw_line in raw_lines:
        item_id, quantity = whole_number(raw_line[0]), whole_number(raw_line[1])
        choices = parse_choice_ids(raw_line[2] if len(raw_line) > 2 else None)
        if item_id is None or quantity is None or choices is None:
            return None
        lines.append((item_id, quantity, tuple(sorted(choices))))
    method = _find(shop.shipping_methods, shipping_method_id)
    payment = _find(shop.payment_methods, payment_method_id)
    pickup = method is not None and not method.needs_address  # its order keeps no address
    return (
        tuple(sorted(lines)),
        _plain(name),
        method.name if method is not None else "",
        "" if pickup else _plain(address),
        _plain(notes),
        payment.name if payment is not None else "",
        _phone(shop, phone),
    )


def _phone(shop: Shop, typed: object) -> str:
    """The number as the order would keep it; one that checkout would refuse matches none."""
    try:
        return check_phone(shop, typed if isinstance(typed, str) else "")
    except OrderError:
        return "refused"


def _find(methods, raw_id: object):
    method_id = whole_number(raw_id)
    return next((method for method in methods if method.id == method_id), None)


def order_fingerprint(order: Order) -> Fingerprint:
    lines = sorted(
        (
            line.item_id,
            line.quantity,
            tuple(sorted(option.get("choice_id") for option in line.options or [])),
        )
        for line in order.lines
    )
    return (
        tuple(lines),
        _plain(order.customer_name),
        order.shipping_name,
        _plain(order.customer_address),
        _plain(order.customer_notes),
        order.payment_name,
        order.customer_phone,
    )


def same_recent_order(
    shop: Shop, fingerprint: Fingerprint | None, now: datetime | None = None
) -> Order | None:
    """The order placed in this shop within REPEAT_WINDOW of `now` (naive UTC, like
    Order.created_at; the real time by default) that the fingerprint repeats."""
    if fingerprint is None or not fingerprint[0]:
        return None
    since = (now or utcnow()) - REPEAT_WINDOW
    candidates = db.session.scalars(
        select(Order)
        .where(Order.shop_id == shop.id, Order.created_at >= since)
        .order_by(Order.id.desc())
        .limit(_LOOK_AT)
        .options(selectinload(Order.lines))
    )
    return next((order for order in candidates if order_fingerprint(order) == fingerprint), None)


@dataclass(frozen=True)
class Repeat:
    """An earlier order as a new submission: what the explicit "order again" sends."""

    lines: list[tuple]
    shipping_method_id: int | None
    payment_method_id: int | None
    name: str
    address: str
    notes: str
    phone: str = ""


def repeat_of(shop: Shop, order: Order) -> Repeat:
    """The same products, choices and details, with today's shipping and payment methods
    of the same names (checkout prices everything again and refuses what changed)."""
    lines = [
        (line.item_id, line.quantity, [option.get("choice_id") for option in line.options or []])
        for line in order.lines
        if line.item_id is not None
    ]
    return Repeat(
        lines=lines,
        shipping_method_id=_id_named(shop.shipping_methods, order.shipping_name),
        payment_method_id=_id_named(shop.payment_methods, order.payment_name),
        name=order.customer_name,
        address=order.customer_address,
        notes=order.customer_notes,
        phone=order.customer_phone,
    )


def _id_named(methods, name: str) -> int | None:
    if not name:
        return None
    return next((method.id for method in methods if method.active and method.name == name), None)
