"""The shopper's details on an order the merchant changes: name, WhatsApp number, address.

Checked by checkout's own rules (cart.check_details, shopper_phone.check_phone), so an
edited order holds only what a shopper's order could hold: a name, an address when the
shipping needs one (none for a pickup), a number read in the shop's country and kept in
E.164. A shop that does not ask for numbers keeps whatever number the order has.

A corrected number or name changes whom the order matches: it moves to that customer
(made if new), exactly as checkout's trigger would have placed it
(shop.models.customers). Part of an edit (shop.ordering.edits): claimed and recorded
with it. Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.models import Customer as CustomerRow
from shop.models import Order, PhonePolicy
from shop.models.customers import customer_key
from shop.ordering.cart import Customer, check_details
from shop.ordering.shopper_phone import check_phone

FIELDS = ("name", "phone", "address")


@dataclass(frozen=True)
class Details:
    name: str
    phone: str  # E.164 or ""
    address: str


@dataclass(frozen=True)
class _Recorded:
    """The order's recorded shipping, as check_details reads a method."""

    needs_address: bool


def current(order: Order) -> Details:
    return Details(order.customer_name, order.customer_phone or "", order.customer_address or "")


def checked(order: Order, typed: Customer, method=None) -> Details:
    """What the merchant typed, checked as checkout checks a shopper's details against
    the shipping the order will have (`method`: a newly chosen one, None to keep the
    recorded one). OrderError names the field to fix."""
    shop = order.shop
    if method is None and order.shipping_name:
        method = _Recorded(order.shipping_needs_address)
    clean = check_details(
        Customer(name=typed.name, address=typed.address, notes=order.customer_notes or ""),
        method,
    )
    if PhonePolicy(shop.ask_phone) == PhonePolicy.OFF:
        phone = order.customer_phone or ""
    else:
        phone = check_phone(shop, (typed.phone or "")[:40])
    return Details(clean.name, phone, clean.address)


def apply(order: Order, details: Details) -> None:
    """Write the details; a new number or name moves the order to its customer."""
    order.customer_name = details.name
    order.customer_phone = details.phone
    order.customer_address = details.address
    key = customer_key(details.name, details.phone)
    if key != order.customer_key:
        order.customer_key = key
        order.customer_id = _customer_for(order, key)


def _customer_for(order: Order, key: str) -> int | None:
    """The customer with this key in the order's shop (the one it was merged into), made
    when nobody had it; a row a checkout makes at the same moment is found instead."""
    if not key:
        return None
    query = select(CustomerRow).where(CustomerRow.shop_id == order.shop_id, CustomerRow.key == key)
    found = db.session.scalars(query).first()
    if found is None:
        found = CustomerRow(
            shop_id=order.shop_id, key=key, name=order.customer_name, phone=order.customer_phone
        )
        try:
            with db.session.begin_nested():
                db.session.add(found)
        except IntegrityError:  # a unique-key race: the other insert won
            found = db.session.scalars(query).one()
    return found.merged_into_id or found.id


def differences(before: dict | None, after: dict | None) -> list[list[str]]:
    """[field, before, after] for each detail that changed (for the order's history)."""
    before, after = before or {}, after or {}
    return [
        [field, before.get(field, ""), after.get(field, "")]
        for field in FIELDS
        if before.get(field, "") != after.get(field, "")
    ]
