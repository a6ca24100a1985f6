"""From a priced cart to a recorded order: the rules, the number, stock, the snapshot.

A double tap or a retried request must not order twice: the idempotency key the page
sends names the order. Functions add and flush; the request commits once. No HTTP here.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from shop.extensions import db
from shop.models import (
    Activity,
    ActivityKind,
    Order,
    OrderLine,
    OrderStatus,
    Shop,
)
from shop.ordering import slots, stock, zones
from shop.ordering.cart import (
    Customer,
    OrderError,
    PricedCart,
    PricedLine,
    ShopPaused,
    ShopUnavailable,
    check_customer,
    price_cart,
)
from shop.ordering.choices import snapshot
from shop.ordering.coupons import Chosen, choose, take_use
from shop.ordering.offers import offers
from shop.ordering.repeats import same_recent_order, submission_fingerprint
from shop.ordering.rules import check_rules
from shop.ordering.shopper_phone import check_phone

# crypto.randomUUID() in the page makes 36 characters; allow other sane client keys.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def checkout(
    shop: Shop,
    raw_lines: Iterable[tuple],
    *,
    shipping_method_id: object,
    customer: Customer,
    idempotency_key: object,
    payment_method_id: object = None,
    now: datetime | None = None,
    same_as_recent: bool = False,
    coupon_code: str = "",
    where: zones.Where | None = None,
    slot: object = None,
) -> tuple[Order, bool]:
    """Record the order (flushed, not committed); (order, created).

    A key that already placed an order in this shop returns that order, whatever the
    cart says now: a double tap or a retried request must not order twice. The key is
    checked by the database's unique (shop, key) when the order is inserted, so a new
    order costs no look-up; a retry has this attempt rolled back before the order is
    returned (the only case where this function rolls back). With
    `same_as_recent` (the no-JavaScript form, whose key may be new after Back), so does
    the same order placed minutes ago (shop.ordering.repeats). `now` is when the order
    is placed, for the opening hours and a code's dates (tests pass their own).
    `coupon_code` is what the shopper typed, "" for none (shop.ordering.coupons);
    `where` where they say they are, for a method's delivery zones (shop.ordering.zones);
    `slot` the pickup or delivery time they picked (shop.ordering.slots).
    """
    if shop.suspended_at is not None:
        raise ShopUnavailable(_("This shop is unavailable."))
    key = check_idempotency_key(idempotency_key)
    shop_id = shop.id  # the shop may not be readable after a refused insert
    if same_as_recent:
        raw_lines = list(raw_lines)
        existing = find_order(shop, key) or same_recent_order(
            shop,
            submission_fingerprint(
                shop,
                raw_lines,
                shipping_method_id,
                customer.name,
                customer.address,
                customer.notes,
                payment_method_id,
                customer.phone,
            ),
        )
        if existing is not None:
            return existing, False
    # A key already used is found by the unique (shop, key) constraint when the order is
    # inserted (the caller answers with that order), not by a look-up before every order;
    # a cart refused now may still be the retry of an order placed before it changed.
    try:
        if shop.paused:
            raise ShopPaused(
                shop.pause_message.strip() or _("This shop is not taking orders right now.")
            )
        cart = price_cart(shop, raw_lines, shipping_method_id)
        placed = zones.place(
            shop, cart.shipping, offers(shop).shipping, cart.subtotal_minor, where or zones.Where()
        )
        if placed is not None:
            cart = replace(cart, zone=placed.zone)
        now = now or datetime.now(UTC)
        accepted = check_rules(shop, cart, payment_method_id, now)
        customer = check_customer(cart, customer)
        customer = replace(customer, phone=check_phone(shop, customer.phone))
        chosen = choose(shop, cart, coupon_code, now)
        picked = slots.choose(shop, cart.shipping, slot, now)
        return place_order(shop, cart, customer, key, accepted, chosen, placed, picked), True
    except OrderError:
        if find_order(shop, key) is None:
            raise
        return _placed_before(shop_id, key), False
    except IntegrityError:  # the key's order, inserted before or by a request racing us
        return _placed_before(shop_id, key), False


def _placed_before(shop_id: int, key: str) -> Order:
    """The order a key already placed, after undoing this attempt's writes (the number
    and stock it took). None found: the catalog changed under the insert (an item
    deleted this instant), which the shopper can only retry."""
    db.session.rollback()
    order = db.session.scalar(
        select(Order).where(Order.shop_id == shop_id, Order.idempotency_key == key)
    )
    if order is None:
        current_app.logger.warning("Checkout refused by the database (shop %s)", shop_id)
        raise OrderError(_("The shop changed while you were ordering. Please try again."))
    return order


def check_idempotency_key(value: object) -> str:
    if isinstance(value, str) and IDEMPOTENCY_KEY.fullmatch(value):
        return value
    raise OrderError(_("This page is out of date. Reload it and try again."))


def find_order(shop: Shop, idempotency_key: str) -> Order | None:
    return db.session.scalar(
        select(Order).where(Order.shop_id == shop.id, Order.idempotency_key == idempotency_key)
    )


def place_order(
    shop: Shop,
    cart: PricedCart,
    customer: Customer,
    idempotency_key: str,
    accepted=None,
    chosen: Chosen | None = None,
    placed: zones.Placed | None = None,
    slot: slots.Slot | None = None,
) -> Order:
    """Insert the order with snapshots of everything the shopper saw (flushes).

    `accepted` (order_rules.Accepted) carries the chosen payment and any closed-shop note;
    `chosen` the discount, whose use is taken before the order is inserted.
    """
    shipping = cart.shipping
    payment = accepted.payment if accepted is not None else None
    number = take_order_number(shop)
    booking = slots.take(shop, shipping, slot) if slot is not None else None
    if chosen is not None:
        take_use(chosen, customer.phone)
        off = chosen.applied
    else:
        off = None
    line_offs = off.lines_minor if off is not None else (0,) * len(cart.lines)
    order = Order(
        shop_id=shop.id,
        number=number,
        token=secrets.token_urlsafe(32),
        idempotency_key=idempotency_key,
        status=OrderStatus.NEW,
        currency=shop.currency,
        currency_exponent=shop.currency_exponent,
        language=shop.language,
        customer_name=customer.name,
        customer_address=customer.address,
        customer_notes=customer.notes,
        customer_phone=customer.phone,
        shipping_name=shipping.name if shipping is not None else "",
        shipping_price_minor=cart.shipping_minor,
        shipping_needs_address=bool(shipping is not None and shipping.needs_address),
        subtotal_minor=cart.subtotal_minor,
        total_minor=cart.total_minor - (off.total_minor if off is not None else 0),
        discount_code=chosen.discount.shown_code if chosen is not None else "",
        discount_name=chosen.discount.name if chosen is not None else "",
        discount_minor=off.total_minor if off is not None else 0,
        discount_shipping_minor=off.shipping_minor if off is not None else 0,
        discount_id=chosen.discount.id if chosen is not None else None,
        payment_kind=payment.kind.value if payment is not None else "",
        payment_name=payment.name if payment is not None else "",
        payment_details=payment.details if payment is not None else "",
        closed_note=accepted.closed_note if accepted is not None else "",
        **zones.order_fields(placed),
        **slots.order_fields(slot, booking),
    )
    lines = [
        OrderLine(
            item_id=line.item.id,
            position=position,
            name=line.item.name,
            code=line.item.code or "",
            unit_price_minor=line.unit_price_minor,
            quantity=line.quantity,
            line_total_minor=line.line_total_minor,
            discount_minor=line_offs[position],
            options_text=line.options_text,
            options=snapshot(line.choices),
            stock_taken=_take_stock(line),
        )
        for position, line in enumerate(cart.lines)
    ]
    _insert_order(order, shop)
    db.session.connection().execute(
        _INSERT_NEW_STATUS,
        {"order_id": order.id, "shop_id": order.shop_id, "subject": f"#{order.number}"},
    )
    _insert_lines(order, lines)
    return order


# Built once: the statement and the attribute behind each column it writes and returns
# (an attribute left None takes the table's default, and comes back in the returned row).
_INSERT_ORDER = insert(Order.__table__).returning(*Order.__table__.columns)
_ORDER_RETURNED = [inspect(Order).get_property_by_column(c).key for c in Order.__table__.columns]
_ORDER_WRITTEN = [
    (column.key, key)
    for column, key in zip(Order.__table__.columns, _ORDER_RETURNED, strict=True)
    if not column.primary_key
]
# Its arrival, the first row of its history (shop.activity: the shop's activity log).
_INSERT_NEW_STATUS = insert(Activity.__table__).values(
    kind=ActivityKind.STATUS, status=OrderStatus.NEW
)


def _insert_order(order: Order, shop: Shop) -> None:
    """Insert the order in one Core statement and attach it to the session as loaded.

    The ORM's unit of work costs more CPU than everything else a checkout does with the
    database; the order is written once and read back by nothing in this request, so it
    goes in as a plain row (defaults filled by the table, returned), and the object
    becomes persistent without being flushed again."""
    values = {
        column: value
        for column, key in _ORDER_WRITTEN
        if (value := getattr(order, key)) is not None
    }
    row = db.session.connection().execute(_INSERT_ORDER, values).one()
    for key, value in zip(_ORDER_RETURNED, row, strict=True):
        set_committed_value(order, key, value)
    make_transient_to_detached(order)
    db.session.add(order)
    set_committed_value(order, "shop", shop)
    # Its customer is named by a trigger; SQLite's RETURNING shows the row before it ran.
    db.session.expire(order, ["customer_id"])


def _insert_lines(order: Order, lines: list[OrderLine]) -> None:
    """The lines in one statement (the ORM inserts them one by one to learn their ids,
    which nothing needs here); the order holds them as if loaded."""
    columns = [
        attribute.key for attribute in inspect(OrderLine).column_attrs if attribute.key != "id"
    ]
    rows = [{key: getattr(line, key) for key in columns} | {"order_id": order.id} for line in lines]
    db.session.connection().execute(insert(OrderLine.__table__), rows)
    for line in lines:
        line.order_id = order.id
    set_committed_value(order, "lines", lines)


def _take_stock(line: PricedLine) -> dict | None:
    """Take the line's units from stock; OrderError (naming it) when they are gone."""
    try:
        taken = stock.take(stock.Want(line.item, line.quantity, line.variant), line.label)
    except stock.OutOfStock as error:
        raise OrderError(error.message, item_id=line.item.id, line_key=line.key) from None
    return taken if taken["item"] or taken["variant"] else None


_SHOPS = Shop.__table__
_TAKE_NUMBER = (
    update(_SHOPS)
    .where(_SHOPS.c.id == bindparam("shop_id"))
    .values(next_order_number=_SHOPS.c.next_order_number + 1)
    .returning(_SHOPS.c.next_order_number)
)


def take_order_number(shop: Shop) -> int:
    """The shop's next order number, taken atomically.

    The single UPDATE ... RETURNING locks the shop row until the transaction ends
    (PostgreSQL) or takes the write lock (SQLite), so concurrent checkouts queue here
    and get consecutive numbers; a rolled-back checkout gives its number back.
    """
    value = db.session.connection().execute(_TAKE_NUMBER, {"shop_id": shop.id}).scalar_one()
    set_committed_value(shop, "next_order_number", value)
    return value - 1


def order_by_token(token: str) -> Order | None:
    """The order behind a public link, with its lines and shop; None for any other text."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    return db.session.scalar(
        select(Order)
        .where(Order.token == token)
        .options(selectinload(Order.lines), selectinload(Order.shop))
    )
