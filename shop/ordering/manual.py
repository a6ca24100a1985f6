"""Orders that came another way (a phone call, the counter), recorded by the merchant.

The same path as a shopper's order: the cart priced from the database
(shop.ordering.cart), stock taken, the shop's next number and the snapshot written by
shop.ordering.checkout.place_order, a history that starts with "new". What differs is
the merchant's say: no opening hours or minimum order to refuse it (the merchant already
accepted it), the order is marked as entered by the merchant, its first history row
names who entered it, and it may be marked paid at once. A double submit is one order:
the form's key names it, as checkout's does. Functions flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.models import Order, Shop, User
from shop.ordering.cart import Customer, check_customer, price_cart
from shop.ordering.checkout import check_idempotency_key, find_order, place_order
from shop.ordering.paid import mark_paid
from shop.ordering.rules import Accepted, choose_payment
from shop.ordering.shopper_phone import check_phone


def record_order(
    shop: Shop,
    raw_lines: Iterable[tuple],
    *,
    shipping_method_id: object,
    customer: Customer,
    payment_method_id: object,
    paid: bool,
    idempotency_key: object,
    by: User,
) -> tuple[Order, bool]:
    """The order the merchant typed in (flushed, not committed); (order, created).

    OrderError names the field to fix. A key that already recorded an order returns it.
    """
    key = check_idempotency_key(idempotency_key)
    existing = find_order(shop, key)
    if existing is not None:
        return existing, False
    cart = price_cart(shop, raw_lines, shipping_method_id)
    customer = check_customer(cart, customer)
    customer = replace(customer, phone=check_phone(shop, customer.phone))
    accepted = Accepted(payment=choose_payment(shop, payment_method_id))
    shop_id = shop.id
    try:
        order = place_order(shop, cart, customer, key, accepted)
    except IntegrityError:  # the same form sent twice at once: the other one recorded it
        db.session.rollback()
        return db.session.scalars(
            db.select(Order).where(Order.shop_id == shop_id, Order.idempotency_key == key)
        ).one(), False
    order.by_merchant = True
    order.status_changes[0].changed_by_id = by.id
    if paid:
        mark_paid(order, order.payment_name, by=by)
    db.session.flush()
    return order, True
