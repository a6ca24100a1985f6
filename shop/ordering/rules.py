"""The shop's ordering rules, checked at checkout after the cart is priced. No HTTP here.

Minimum order amount (on the subtotal), opening hours with their policy (refuse, or
accept with a note), and the payment method the shopper chose. Each refusal is an
OrderError with a message the shopper understands; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from shop.lib import hours
from shop.lib.locales import money
from shop.models import ClosedPolicy, Shop
from shop.ordering.cart import OrderError, PricedCart, choose_offered
from shop.ordering.offers import offers
from shop.web.translating import gettext as _


class ShopClosed(OrderError):
    """Outside opening hours, and the shop refuses orders then."""


@dataclass(frozen=True)
class Accepted:
    """What the rules add to an order: the chosen payment and the closed-shop note."""

    payment: SimpleNamespace | None = None  # a copy of the PaymentMethod row (offers)
    closed_note: str = ""


def check_rules(shop: Shop, cart: PricedCart, payment_method_id: object, now: datetime) -> Accepted:
    """Refuse an order the shop's rules do not allow, else what the order must carry."""
    check_minimum(shop, cart.subtotal_minor)
    note = check_hours(shop, now)
    return Accepted(payment=choose_payment(shop, payment_method_id), closed_note=note)


def check_minimum(shop: Shop, subtotal_minor: int) -> None:
    minimum = shop.min_order_minor or 0
    if subtotal_minor < minimum:
        raise OrderError(
            _(
                "The minimum order is %(minimum)s. Add %(missing)s more to order.",
                minimum=money(minimum, shop),
                missing=money(minimum - subtotal_minor, shop),
            )
        )


def check_hours(shop: Shop, now: datetime) -> str:
    """ "" when open (or no hours are set); the note when closed and the shop accepts."""
    state = hours.status(shop.opening_hours, hours.shop_zone(shop), now)
    if state.open:
        return ""
    if shop.closed_policy == ClosedPolicy.NOTE:
        return hours.closed_note(state)
    raise ShopClosed(hours.closed_refusal(state))


def choose_payment(shop: Shop, method_id: object) -> SimpleNamespace | None:
    """The chosen active method; required when the shop offers any."""
    methods = offers(shop).payment
    if not methods:
        return None
    return choose_offered(
        methods,
        method_id,
        field="payment",
        missing=_("Choose how you will pay."),
        withdrawn=_("That payment option is no longer offered. Choose another one."),
    )
