"""Paid or not: the merchant marks an order paid (how, and a reference such as a transfer
code) when the money arrives, and unpaid again when it was a mistake.

Both are compare-and-set UPDATEs, so two tabs give one result: marking paid wins only
while the order is unpaid; marking unpaid wins only while the order is still paid *by
the mark this tab saw* (its `paid_at`), so a tab never undoes a mark it did not show.
The loser is told what happened instead. Functions flush, never commit.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from shop.activity import record
from shop.extensions import db
from shop.lib.text import clean_line
from shop.models import ActivityKind, Order, OrderStatus, User, utcnow

METHOD_MAX = 80
REFERENCE_MAX = 120


class PaymentMarkError(ValueError):
    """The mark was not made; the message is for the merchant."""


class AlreadyPaid(PaymentMarkError):
    """Someone (or a double click) marked it paid first."""


class AlreadyUnpaid(PaymentMarkError):
    """Someone (or a double click) marked it unpaid first."""


class PaymentChanged(PaymentMarkError):
    """The paid mark this tab saw was replaced meanwhile."""


def clean_method(text: str | None) -> str:
    return " ".join(clean_line(text).split())[:METHOD_MAX]


def clean_reference(text: str | None) -> str:
    return " ".join(clean_line(text).split())[:REFERENCE_MAX]


def mark_paid(
    order: Order,
    method: str,
    reference: str = "",
    *,
    by: User | None = None,
    now: datetime | None = None,
) -> None:
    """Record that the order was paid, how and with what reference; the method defaults to
    the one the shopper picked. Raises AlreadyPaid when it already is."""
    method = clean_method(method) or clean_method(order.payment_name) or _("Other")
    values = {
        "paid_at": now or utcnow(),
        "paid_method": method,
        "paid_reference": clean_reference(reference),
        "paid_by_id": by.id if by is not None else None,
    }
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.paid_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(order)
        raise AlreadyPaid(_("This order was already marked paid."))
    for name, value in values.items():
        set_committed_value(order, name, value)
    details = {"paid": [False, True], "method": method, "reference": values["paid_reference"]}
    record(order.shop_id, ActivityKind.PAYMENT, by=by, order=order, details=details, at=now)


def mark_unpaid(order: Order, seen_paid_at: datetime | None, *, by: User | None = None) -> None:
    """Take the paid mark back, only if it is still the one the merchant saw."""
    if seen_paid_at is None:
        db.session.refresh(order)
        if order.paid_at is None:
            raise AlreadyUnpaid(_("This order is already marked unpaid."))
        raise PaymentChanged(_("This order's payment changed meanwhile. Check it again."))
    values = {"paid_at": None, "paid_method": "", "paid_reference": "", "paid_by_id": None}
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.paid_at == seen_paid_at)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(order)
        if order.paid_at is None:
            raise AlreadyUnpaid(_("This order is already marked unpaid."))
        raise PaymentChanged(_("This order's payment changed meanwhile. Check it again."))
    was = {"method": order.paid_method, "reference": order.paid_reference}
    for name, value in values.items():
        set_committed_value(order, name, value)
    record(
        order.shop_id,
        ActivityKind.PAYMENT,
        by=by,
        order=order,
        details={"paid": [True, False]} | was,
    )


def is_unpaid(order: Order) -> bool:
    """Money still to come: not marked paid, and not cancelled (nothing is owed then)."""
    return order.paid_at is None and order.status != OrderStatus.CANCELLED


def unpaid_clause():
    """The same rule as a WHERE clause, for the orders list's filter."""
    return (Order.paid_at.is_(None)) & (Order.status != OrderStatus.CANCELLED)


def parse_seen(text: str | None) -> datetime | None:
    """The paid_at a form carried back (ISO); anything malformed means "saw none"."""
    try:
        return datetime.fromisoformat((text or "").strip()[:40])
    except ValueError:
        return None
