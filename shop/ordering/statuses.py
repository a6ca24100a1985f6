"""How a merchant moves an order along: new -> confirmed -> preparing -> ready ->
delivered, or cancelled.

Confirmed is the merchant's yes; preparing and ready may be skipped (a shop that hands
over at once goes from confirmed to delivered). Ready and delivered read "ready for
pickup" and "picked up" for an order the shopper collects (a shipping method with no
address, or none), "on the way" and "delivered" for one the shop takes to the door.

A cancelled order can be reopened (back to new), because a merchant who cancels by
mistake, or whose shopper changes their mind again, should not have to ask the shopper
to order twice. Delivered is final: it is what the merchant reconciles against.

Stock follows the status: cancelling gives back what the order took (shop.ordering.stock);
reopening takes it again, and is refused, naming the product, when those units were
sold meanwhile (the merchant can add stock, then reopen).

The status is changed with a compare-and-set UPDATE, so two clicks (or two tabs)
racing each other record one change, never two. Functions flush, never commit.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from shop.activity import record
from shop.extensions import db
from shop.lib.text import clean_line
from shop.models import Activity, ActivityKind, Order, OrderStatus, Shop, User
from shop.ordering import coupons, slots, stock

# The next step first: the first move is the one button the merchant usually taps.
TRANSITIONS: dict[OrderStatus, tuple[OrderStatus, ...]] = {
    OrderStatus.NEW: (OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
    OrderStatus.CONFIRMED: (
        OrderStatus.PREPARING,
        OrderStatus.READY,
        OrderStatus.DELIVERED,
        OrderStatus.CANCELLED,
    ),
    OrderStatus.PREPARING: (OrderStatus.READY, OrderStatus.DELIVERED, OrderStatus.CANCELLED),
    OrderStatus.READY: (OrderStatus.DELIVERED, OrderStatus.CANCELLED),
    OrderStatus.DELIVERED: (),
    OrderStatus.CANCELLED: (OrderStatus.NEW,),
}
FINAL = frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED})

# Labels of a status in general (filters, CSV); an order's own page uses order_label(),
# which names ready and delivered by how the order reaches the shopper.
STATUS_LABELS = {
    OrderStatus.NEW: _l("New"),
    OrderStatus.CONFIRMED: _l("Confirmed"),
    OrderStatus.PREPARING: _l("Being prepared"),
    OrderStatus.READY: _l("Ready / on the way"),
    OrderStatus.DELIVERED: _l("Delivered / picked up"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}
_PICKUP_LABELS = {OrderStatus.READY: _l("Ready for pickup"), OrderStatus.DELIVERED: _l("Picked up")}
_DOOR_LABELS = {OrderStatus.READY: _l("On the way"), OrderStatus.DELIVERED: _l("Delivered")}

# What the button that moves an order *to* a status says, from a given status.
_ACTION_LABELS = {
    OrderStatus.CONFIRMED: _l("Confirm"),
    OrderStatus.PREPARING: _l("Start preparing"),
    OrderStatus.DELIVERED: _l("Mark as delivered"),
    OrderStatus.CANCELLED: _l("Cancel order"),
    OrderStatus.NEW: _l("Reopen"),
}
_PICKUP_ACTIONS = {
    OrderStatus.READY: _l("Ready for pickup"),
    OrderStatus.DELIVERED: _l("Mark as picked up"),
}
_DOOR_ACTIONS = {OrderStatus.READY: _l("Send it on its way")}


NOTE_MAX = 300  # a reason for a cancellation: a sentence, not a letter

# Reasons the merchant picks for a cancellation (or types their own); the text is kept
# in the order's language, since it goes into the message to the shopper.
CANCEL_REASONS = {
    "stock": _l("We ran out of a product in your order."),
    "asked": _l("You asked us to cancel it."),
    "area": _l("We cannot deliver to your address."),
    "unpaid": _l("We did not receive the payment."),
}


class StatusChangeError(ValueError):
    """The order cannot move to that status; the message is for the merchant."""


class InvalidTransition(StatusChangeError):
    """The rules do not allow that move (e.g. delivered -> new)."""


class AlreadyInStatus(StatusChangeError):
    """The order already has that status: a repeated click, harmless."""


class NotEnoughStock(StatusChangeError):
    """Reopening would need units that were sold meanwhile (or its time's place, taken
    by another order since)."""


def status_label(status: OrderStatus | str) -> str:
    return str(STATUS_LABELS[OrderStatus(status)])


def is_pickup(order: Order) -> bool:
    """The shopper collects it: no address was asked for (a pickup method, or none)."""
    return not order.shipping_needs_address


def order_label(order: Order, status: OrderStatus | str | None = None) -> str:
    """A status of this order as its pages say it: "ready for pickup" or "on the way"."""
    status = OrderStatus(status or order.status)
    by_method = _PICKUP_LABELS if is_pickup(order) else _DOOR_LABELS
    return str(by_method.get(status) or STATUS_LABELS[status])


def action_label(target: OrderStatus, order: Order | None = None) -> str:
    target = OrderStatus(target)
    if order is not None:
        by_method = _PICKUP_ACTIONS if is_pickup(order) else _DOOR_ACTIONS
        if target in by_method:
            return str(by_method[target])
    if target == OrderStatus.READY:
        return str(_PICKUP_ACTIONS[target])
    return str(_ACTION_LABELS[target])


def cancel_reason(order: Order, picked: str, typed: str) -> str:
    """The reason to record: what the merchant typed, else the picked one in the order's
    language, else none."""
    typed = " ".join(clean_line(typed if isinstance(typed, str) else "").split())[:NOTE_MAX]
    if typed:
        return typed
    if picked in CANCEL_REASONS:
        with force_locale(order.language):
            return str(CANCEL_REASONS[picked])
    return ""


def next_step(order: Order) -> OrderStatus | None:
    """The move the merchant most likely makes next (the list's one button); None when the
    order is done or cancelled."""
    moves = [m for m in TRANSITIONS[OrderStatus(order.status)] if m != OrderStatus.CANCELLED]
    if order.status == OrderStatus.CANCELLED or not moves:
        return None
    return moves[0]


def is_final(order: Order) -> bool:
    """Delivered or cancelled: nothing more will happen unless the merchant reopens it."""
    return order.status in FINAL


def allowed_transitions(status: OrderStatus) -> tuple[OrderStatus, ...]:
    """The statuses an order in `status` may move to, in the order buttons should show."""
    return TRANSITIONS[OrderStatus(status)]


def change_status(
    order: Order,
    new_status: OrderStatus | str,
    *,
    by: User | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Activity:
    """Move `order` to `new_status` and record when, by whom and why (`note`, e.g. the
    reason for a cancellation); refuse moves the rules do not allow.

    Raises AlreadyInStatus when the order already is in that status (a double click),
    InvalidTransition otherwise. Either way nothing is written.
    """
    try:
        target = OrderStatus(new_status)
    except ValueError:
        raise InvalidTransition(_("That is not an order status.")) from None
    current = order.status
    _check(current, target)
    if OrderStatus.CANCELLED in (current, target):
        # Cancelling or reopening moves stock, whose triggers touch the shop row; checkout
        # locks that row first (its order number): lock it now, in the same order, so a
        # cancel racing a checkout queues behind it instead of deadlocking (PostgreSQL).
        # FOR NO KEY UPDATE, the lock checkout's own UPDATE takes: it still queues behind
        # checkout, but lets a foreign key check (FOR KEY SHARE) through: another move
        # creating its first order_count row for the shop, or a paid mark recording its
        # activity row while holding the order's row, so neither can deadlock with us.
        db.session.execute(
            select(Shop.id).where(Shop.id == order.shop_id).with_for_update(key_share=True)
        )
    # Compare-and-set: only the request that still sees `current` wins the change.
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == current)
        .values(status=target)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(order, ["status"])
        _check(order.status, target)  # raises: someone else moved it meanwhile
        raise InvalidTransition(_("This order changed meanwhile. Reload and try again."))
    set_committed_value(order, "status", target)
    _follow_stock(order, current, target)
    return record(
        order.shop_id,
        ActivityKind.STATUS,
        by=by,
        order=order,
        status=target,
        note=clean_line(note)[:NOTE_MAX],
        at=now,
    )


def _follow_stock(order: Order, current: OrderStatus, target: OrderStatus) -> None:
    """Give back or take again the order's stock; after the status won its compare-and-set,
    so two racing clicks move the stock once. The caller rolls back on NotEnoughStock."""
    if target == OrderStatus.CANCELLED:
        stock.give_back(order)
        coupons.give_back(order)
        slots.give_back(order)  # its time's place, taken again if it is reopened
    elif current == OrderStatus.CANCELLED:
        if not slots.take_again(order):
            raise NotEnoughStock(
                _(
                    "This order cannot be reopened: its pickup or delivery time is full. "
                    "Raise the places per time of its method, then reopen it."
                )
            )
        coupons.take_again(order)
        try:
            stock.take_again(order)
        except stock.OutOfStock as error:
            raise NotEnoughStock(
                _(
                    "This order cannot be reopened: only %(left)d of “%(name)s” left. "
                    "Add stock to the product, then reopen it.",
                    left=error.left,
                    name=error.label,
                )
            ) from None


def _check(current: OrderStatus, target: OrderStatus) -> None:
    if current == target:
        raise AlreadyInStatus(
            _("This order is already %(status)s.", status=status_label(target).lower())
        )
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            _(
                "An order that is %(current)s cannot be changed to %(target)s.",
                current=status_label(current).lower(),
                target=status_label(target).lower(),
            )
        )


def status_history(order: Order) -> list[tuple[OrderStatus, datetime]]:
    """Every status the order had, with when, oldest first; starts with its arrival."""
    return [(change.status, change.changed_at) for change in status_changes(order)]


def status_changes(order: Order) -> list[Activity]:
    """The order's moves and edits, oldest first, starting with its arrival (an order of
    round one may lack that row: one is made up, unsaved, from its creation time). Its
    paid marks are in its activity too, but are not steps the shopper is shown."""
    changes = [c for c in order.status_changes if c.kind in _TIMELINE]
    if not changes or not changes[0].is_move or changes[0].status != OrderStatus.NEW:
        changes.insert(
            0,
            Activity(kind=ActivityKind.STATUS, status=OrderStatus.NEW, changed_at=order.created_at),
        )
    return changes


_TIMELINE = frozenset({ActivityKind.STATUS, ActivityKind.EDIT})
