"""Coupons and automatic discounts: which one an order gets, and its use counted.

The shopper's code is read with the rule slugs use (shop.lib.plain_codes), so a code
written with a look-alike letter is another code. At checkout the server decides: the
typed code and the shop's automatic discounts are loaded in one query, each is checked
(dates in the shop's time zone, minimum order, what it applies to), and the better one
for the shopper is taken; at most one per order. A coupon's use is taken with one
conditional UPDATE that also counts the customer's earlier orders, so racing shoppers
get one winner. Functions add and flush; the request commits. No HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, or_, select, update

from shop.extensions import db
from shop.lib.hours import shop_zone, zone_info
from shop.lib.plain_codes import fold, is_plain, plain_suggestion
from shop.models import Discount, DiscountKind, Order, OrderStatus, Shop
from shop.ordering.cart import OrderError, PricedCart
from shop.ordering.discounts import Applied, apply_discount
from shop.web.translating import gettext as _

MIN_CODE = 3
MAX_CODE = 32


@dataclass(frozen=True)
class Chosen:
    """The discount an order takes and what it takes off (lines in the cart's order)."""

    discount: Discount
    applied: Applied

    @property
    def label(self) -> str:
        return self.discount.shown_code or self.discount.name


def code_problem(typed: str) -> str | None:
    """Why a typed code can never be a code (for the merchant and the shopper), or None."""
    folded = fold(typed)
    if not is_plain(folded):
        suggestion = plain_suggestion(typed, MAX_CODE).upper()
        if suggestion:
            return _(
                "Use only letters A-Z, digits and single hyphens (e.g. %(suggestion)s).",
                suggestion=suggestion,
            )
        return _("Use only letters A-Z, digits and single hyphens.")
    if not MIN_CODE <= len(folded) <= MAX_CODE:
        return _("A code has from %(min)d to %(max)d characters.", min=MIN_CODE, max=MAX_CODE)
    return None


def shop_today(shop: Shop, now: datetime) -> date:
    """The day it is in the shop's time zone: when a code's last day ends."""
    return now.astimezone(zone_info(shop_zone(shop))).date()


def is_current(discount: Discount, today: date) -> bool:
    return (
        discount.active
        and (discount.starts_on is None or discount.starts_on <= today)
        and (discount.ends_on is None or today <= discount.ends_on)
    )


def eligible_lines(discount: Discount, cart: PricedCart) -> list[bool]:
    """Which lines the discount counts: its items and categories, or every line."""
    items, categories = set(discount.item_ids or ()), set(discount.category_ids or ())
    if not items and not categories:
        return [True for _line in cart.lines]
    return [line.item.id in items or line.item.category_id in categories for line in cart.lines]


def evaluate(discount: Discount, cart: PricedCart) -> Applied:
    """What the discount takes off this cart (nothing left of its rules unchecked but
    dates, limits and the minimum, which `check` refuses with a message)."""
    return apply_discount(
        discount.kind,
        discount.value,
        [line.line_total_minor for line in cart.lines],
        eligible_lines(discount, cart),
        cart.shipping_minor,
    )


def refusal(discount: Discount, cart: PricedCart, today: date) -> str | None:
    """Why the discount does not apply to this cart today, for the shopper; None if it does."""
    if not is_current(discount, today):
        if discount.active and discount.starts_on is not None and today < discount.starts_on:
            return _("This code is not valid yet.")
        return _("This code has expired.")
    if discount.max_uses is not None and discount.uses >= discount.max_uses:
        return _("This code has been used up.")
    flags = eligible_lines(discount, cart)
    if not any(flags):
        return _("This code does not apply to the products in your cart.")
    if discount.min_order_minor is not None and cart.subtotal_minor < discount.min_order_minor:
        return _("This code needs a larger order.")
    free_shipping = discount.kind == DiscountKind.FREE_SHIPPING
    if free_shipping and not cart.shipping_minor and not cart.shipping_pending:
        return _("Your shipping is already free.")
    return None


# The checkout's statements, built once: a statement made per call costs its cache key
# (and its clauses' construction) every time, a tenth of an order with a code.
_TYPED = Discount.code == bindparam("code")
_AUTOMATIC = Discount.code.is_(None) & Discount.active
_CANDIDATES = {
    (typed, automatic): select(Discount).where(
        Discount.shop_id == bindparam("shop_id"),
        or_(*[c for c, wanted in ((_TYPED, typed), (_AUTOMATIC, automatic)) if wanted]),
    )
    for typed, automatic in ((True, False), (False, True), (True, True))
}


def candidates(shop: Shop, typed_code: str) -> list[Discount]:
    """The typed code's discount and the shop's automatic ones, in one query (none at all
    for a plain cart in a shop without automatic discounts)."""
    folded = fold(typed_code)
    wanted = (bool(folded), bool(shop.has_automatic_discount))
    if not any(wanted):
        return []
    return list(db.session.scalars(_CANDIDATES[wanted], {"shop_id": shop.id, "code": folded}))


def choose(shop: Shop, cart: PricedCart, typed_code: str, now: datetime) -> Chosen | None:
    """The discount the order takes: the better of the typed code and the automatic
    discounts that apply, the code on a tie. A typed code that does not apply is refused
    (OrderError on the field "coupon"), so the shopper never orders without what they
    expected; the cart is kept in their browser."""
    typed_code = (typed_code or "").strip()
    if typed_code and code_problem(typed_code):
        # Never echoed: only a-z, digits and hyphens are ever shown back.
        raise OrderError(_("There is no such code. Check how it is written."), field="coupon")
    today = shop_today(shop, now)
    found = candidates(shop, typed_code)
    coupon = next((d for d in found if d.code is not None), None)
    best: Chosen | None = None
    if typed_code:
        if coupon is None:
            raise OrderError(
                _("There is no code %(code)s.", code=fold(typed_code).upper()), field="coupon"
            )
        reason = refusal(coupon, cart, today)
        if reason:
            raise OrderError(reason, field="coupon")
        best = Chosen(coupon, evaluate(coupon, cart))
    for automatic in (d for d in found if d.code is None):
        if refusal(automatic, cart, today):
            continue
        option = Chosen(automatic, evaluate(automatic, cart))
        if best is None or option.applied.total_minor > best.applied.total_minor:
            best = option
    if best is not None and not best.applied.total_minor and not waits_for_shipping(best, cart):
        return None
    return best


def waits_for_shipping(chosen: Chosen, cart: PricedCart) -> bool:
    """A free-shipping code in the preview's cart before a method is picked: it applies,
    and what it takes off is known once the shopper chooses how to receive the order."""
    return cart.shipping_pending and chosen.discount.kind == DiscountKind.FREE_SHIPPING


def take_use(chosen: Chosen, phone: str) -> None:
    """Count the coupon's use before the order is inserted: one UPDATE whose conditions
    are the limits (total, and this customer's orders not cancelled), so of two shoppers
    taking the last use one wins and the other is refused here. Automatic discounts have
    no limits and cost no statement."""
    discount = chosen.discount
    if discount.code is None:
        return
    per_customer = discount.max_uses_per_customer
    if per_customer is not None and not phone:
        raise OrderError(
            _("Write your WhatsApp number to use this code: it can be used %(count)d times "
              "per customer.", count=per_customer),
            field="phone",
        )  # fmt: skip
    values = {"discount_id": discount.id, "phone": phone, "per_customer": per_customer}
    statement = _TAKE_USE if per_customer is None else _TAKE_USE_PER_CUSTOMER
    if db.session.execute(statement, values).rowcount != 1:
        db.session.expire(discount)
        left = discount.max_uses is None or discount.uses < discount.max_uses
        if per_customer is not None and left:
            raise OrderError(_("You have already used this code."), field="coupon")
        raise OrderError(
            _("This code has just been used up. Your cart is kept: order without it, or "
              "try another code."),
            field="coupon",
        )  # fmt: skip


_DISCOUNTS = Discount.__table__
_ORDERS = Order.__table__
_TAKE_USE = (
    update(_DISCOUNTS)
    .where(
        _DISCOUNTS.c.id == bindparam("discount_id"),
        _DISCOUNTS.c.active,
        or_(_DISCOUNTS.c.max_uses.is_(None), _DISCOUNTS.c.uses < _DISCOUNTS.c.max_uses),
    )
    .values(uses=_DISCOUNTS.c.uses + 1)
)
# The customer's orders with this code, not cancelled, under their limit.
_TAKE_USE_PER_CUSTOMER = _TAKE_USE.where(
    select(func.count())
    .where(
        _ORDERS.c.discount_id == bindparam("discount_id"),
        _ORDERS.c.customer_phone == bindparam("phone"),
        _ORDERS.c.status != OrderStatus.CANCELLED.value,
    )
    .scalar_subquery()
    < bindparam("per_customer")
)


def give_back(order: Order) -> None:
    """A cancelled order returns its coupon's use (the merchant cancelled it)."""
    if order.discount_id is None:
        return
    table = Discount.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == order.discount_id, table.c.uses > 0)
        .values(uses=table.c.uses - 1)
    )


def take_again(order: Order) -> None:
    """A reopened order counts its use again (even past the limit: it was given before)."""
    if order.discount_id is None:
        return
    table = Discount.__table__
    db.session.execute(
        update(table).where(table.c.id == order.discount_id).values(uses=table.c.uses + 1)
    )
