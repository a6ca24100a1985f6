"""How a merchant moves an order along: new -> confirmed -> delivered, or cancelled.

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

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from shop.extensions import db
from shop.models import Order, OrderStatus, OrderStatusChange, utcnow
from shop.ordering import stock

TRANSITIONS: dict[OrderStatus, tuple[OrderStatus, ...]] = {
    OrderStatus.NEW: (OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
    OrderStatus.CONFIRMED: (OrderStatus.DELIVERED, OrderStatus.CANCELLED),
    OrderStatus.DELIVERED: (),
    OrderStatus.CANCELLED: (OrderStatus.NEW,),
}

STATUS_LABELS = {
    OrderStatus.NEW: _l("New"),
    OrderStatus.CONFIRMED: _l("Confirmed"),
    OrderStatus.DELIVERED: _l("Delivered"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}

# What the button that moves an order *to* a status says, from a given status.
_ACTION_LABELS = {
    OrderStatus.CONFIRMED: _l("Confirm"),
    OrderStatus.DELIVERED: _l("Mark as delivered"),
    OrderStatus.CANCELLED: _l("Cancel order"),
    OrderStatus.NEW: _l("Reopen"),
}


class StatusChangeError(ValueError):
    """The order cannot move to that status; the message is for the merchant."""


class InvalidTransition(StatusChangeError):
    """The rules do not allow that move (e.g. delivered -> new)."""


class AlreadyInStatus(StatusChangeError):
    """The order already has that status: a repeated click, harmless."""


class NotEnoughStock(StatusChangeError):
    """Reopening would need units that were sold meanwhile."""


def status_label(status: OrderStatus | str) -> str:
    return str(STATUS_LABELS[OrderStatus(status)])


def action_label(target: OrderStatus) -> str:
    return str(_ACTION_LABELS[target])


def allowed_transitions(status: OrderStatus) -> tuple[OrderStatus, ...]:
    """The statuses an order in `status` may move to, in the order buttons should show."""
    return TRANSITIONS[OrderStatus(status)]


def change_status(
    order: Order, new_status: OrderStatus | str, *, now: datetime | None = None
) -> OrderStatusChange:
    """Move `order` to `new_status` and record when; refuse moves the rules do not allow.

    Raises AlreadyInStatus when the order already is in that status (a double click),
    InvalidTransition otherwise. Either way nothing is written.
    """
    try:
        target = OrderStatus(new_status)
    except ValueError:
        raise InvalidTransition(_("That is not an order status.")) from None
    current = order.status
    _check(current, target)
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
    change = OrderStatusChange(order=order, status=target, changed_at=now or utcnow())
    db.session.add(change)
    db.session.flush()
    return change


def _follow_stock(order: Order, current: OrderStatus, target: OrderStatus) -> None:
    """Give back or take again the order's stock; after the status won its compare-and-set,
    so two racing clicks move the stock once. The caller rolls back on NotEnoughStock."""
    if target == OrderStatus.CANCELLED:
        stock.give_back(order)
    elif current == OrderStatus.CANCELLED:
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
    history = [(change.status, change.changed_at) for change in order.status_changes]
    if not history or history[0][0] != OrderStatus.NEW:
        history.insert(0, (OrderStatus.NEW, order.created_at))
    return history
