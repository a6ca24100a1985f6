"""From a shopper's cart to a recorded order: pricing, checks, numbers. No HTTP here.

The browser's cart is only a wish list: every price, name and total is taken from the
database, and anything the browser says about prices or shops is never read. Functions
add and flush; the request commits once.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from . import options, stock
from .extensions import db
from .models import (
    Availability,
    Item,
    OptionGroup,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Shop,
)
from .shipping import shipping_price
from .shops import clean_line, clean_text

MAX_QUANTITY = 999
MAX_LINES = 100
MAX_NAME = 120
MAX_ADDRESS = 500
MAX_NOTES = 1000
# crypto.randomUUID() in the page makes 36 characters; allow other sane client keys.
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
_DIGITS = re.compile(r"[0-9]{1,18}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class OrderError(ValueError):
    """An order we will not record; the message is for the shopper.

    `field` names the form field to fix, `item_id` the cart line's item and `line_key`
    the line itself (options.line_key: the same item may be in several lines).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        item_id: int | None = None,
        line_key: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.item_id = item_id
        self.line_key = line_key


class ShopPaused(OrderError):
    """The merchant paused the shop: browsing works, ordering does not."""


class ShopUnavailable(OrderError):
    """An operator suspended the shop (shop.operators): no orders at all."""


@dataclass(frozen=True)
class PricedLine:
    item: Item
    quantity: int
    choices: tuple = ()  # OptionChoice rows, in the item's group order (shop.options)

    @property
    def unit_price_minor(self) -> int:
        return options.unit_price(self.item, self.choices)

    @property
    def line_total_minor(self) -> int:
        return self.unit_price_minor * self.quantity

    @property
    def options_text(self) -> str:
        return options.describe(self.choices)

    @property
    def label(self) -> str:
        """The product as the shopper chose it: "Camiseta (Talla: M)"."""
        return f"{self.item.name} ({self.options_text})" if self.choices else self.item.name

    @property
    def variant(self) -> str | None:
        return options.variant_key(self.item, self.choices)

    @property
    def key(self) -> str:
        return options.line_key(self.item.id, (choice.id for choice in self.choices))


@dataclass(frozen=True)
class PricedCart:
    lines: list[PricedLine]
    shipping: object | None  # ShippingMethod, or None (no methods, or only services)

    @property
    def subtotal_minor(self) -> int:
        return sum(line.line_total_minor for line in self.lines)

    @property
    def shipping_minor(self) -> int:
        return shipping_price(self.shipping, self.subtotal_minor)

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor + self.shipping_minor


@dataclass(frozen=True)
class Customer:
    name: str
    address: str = ""
    notes: str = ""


def checkout(
    shop: Shop,
    raw_lines: Iterable[tuple],
    *,
    shipping_method_id: object,
    customer: Customer,
    idempotency_key: object,
    payment_method_id: object = None,
    now: datetime | None = None,
) -> tuple[Order, bool]:
    """Record the order (flushed, not committed); (order, created).

    A key that already placed an order in this shop returns that order, whatever the
    cart says now: a double tap or a retried request must not order twice. `now` is
    when the order is placed, for the opening hours (tests pass their own).
    """
    from .order_rules import check_rules  # it builds on this module's cart and errors

    if shop.suspended_at is not None:
        raise ShopUnavailable(_("This shop is unavailable."))
    key = check_idempotency_key(idempotency_key)
    existing = find_order(shop, key)
    if existing is not None:
        return existing, False
    if shop.paused:
        raise ShopPaused(
            shop.pause_message.strip() or _("This shop is not taking orders right now.")
        )
    cart = price_cart(shop, raw_lines, shipping_method_id)
    accepted = check_rules(shop, cart, payment_method_id, now or datetime.now(UTC))
    customer = check_customer(cart, customer)
    return place_order(shop, cart, customer, key, accepted), True


def check_idempotency_key(value: object) -> str:
    if isinstance(value, str) and IDEMPOTENCY_KEY.fullmatch(value):
        return value
    raise OrderError(_("This page is out of date. Reload it and try again."))


def find_order(shop: Shop, idempotency_key: str) -> Order | None:
    return db.session.scalar(
        select(Order).where(Order.shop_id == shop.id, Order.idempotency_key == idempotency_key)
    )


def price_cart(
    shop: Shop, raw_lines: Iterable[tuple], shipping_method_id: object = None
) -> PricedCart:
    """The cart priced from the database; refuses what cannot be sold, line by line.

    A raw line is (item id, quantity) or (item id, quantity, choice ids): the same item
    with other choices is another line; the same item and choices twice are one.
    """
    raw = list(raw_lines)
    if not raw:
        raise OrderError(_("Your cart is empty."))
    if len(raw) > MAX_LINES:
        raise OrderError(
            _(
                "A cart can have at most %(max)d different products. "
                "Remove some and send them in another order.",
                max=MAX_LINES,
            )
        )
    wanted: dict[tuple[int, str], tuple[tuple[int, ...], list[object]]] = {}
    for raw_line in raw:
        raw_id, raw_quantity = raw_line[0], raw_line[1]
        item_id = whole_number(raw_id)
        if item_id is None:
            raise OrderError(_unavailable())
        choice_ids = options.parse_choice_ids(raw_line[2] if len(raw_line) > 2 else None)
        if choice_ids is None:
            raise OrderError(_unavailable(), item_id=item_id)
        key = (item_id, options.combination_key(choice_ids))
        wanted.setdefault(key, (choice_ids, []))[1].append(raw_quantity)
    items = {
        item.id: item
        for item in db.session.scalars(
            select(Item)
            .where(Item.shop_id == shop.id, Item.id.in_({key[0] for key in wanted}))
            .options(
                selectinload(Item.option_groups).selectinload(OptionGroup.choices),
                selectinload(Item.variant_stock),
            )
        )
    }
    lines = []
    for (item_id, _combination), (choice_ids, quantities) in wanted.items():
        item = items.get(item_id)
        if item is None or item.availability == Availability.HIDDEN:
            raise OrderError(_unavailable(), item_id=item_id)
        if item.availability == Availability.SOLD_OUT:
            raise OrderError(
                _("“%(name)s” is sold out. Remove it from your cart to continue.", name=item.name),
                item_id=item_id,
            )
        quantity = _total_quantity(quantities)
        if quantity is None:
            raise OrderError(
                _(
                    "The quantity of “%(name)s” must be a whole number from 1 to %(max)d.",
                    name=item.name,
                    max=MAX_QUANTITY,
                ),
                item_id=item_id,
            )
        try:
            choices = tuple(options.check_choices(item, choice_ids))
        except options.ChoiceError as error:
            raise OrderError(
                error.message, item_id=item_id, line_key=options.line_key(item_id, choice_ids)
            ) from None
        line = PricedLine(item=item, quantity=quantity, choices=choices)
        left = stock.units_left(item, line.variant)
        if left is not None and left < quantity:
            raise OrderError(
                stock.sold_out_message(line.label, left), item_id=item_id, line_key=line.key
            )
        lines.append(line)
    shipping = _shipping(shop, lines, shipping_method_id)
    return PricedCart(lines=lines, shipping=shipping)


def check_customer(cart: PricedCart, customer: Customer) -> Customer:
    """Trimmed customer details, or an OrderError naming the field to fix."""
    name = " ".join(clean_line(customer.name).split())
    address = clean_text(customer.address)
    notes = clean_text(customer.notes)
    if not name:
        raise OrderError(_("Write your name, so the shop knows who is ordering."), field="name")
    if len(name) > MAX_NAME:
        raise OrderError(
            _("The name can have at most %(max)d characters.", max=MAX_NAME), field="name"
        )
    needs_address = cart.shipping is not None and cart.shipping.needs_address
    if needs_address and not address:
        raise OrderError(_("Write the address to deliver to."), field="address")
    if len(address) > MAX_ADDRESS:
        raise OrderError(
            _("The address can have at most %(max)d characters.", max=MAX_ADDRESS),
            field="address",
        )
    if len(notes) > MAX_NOTES:
        raise OrderError(
            _("The notes can have at most %(max)d characters.", max=MAX_NOTES), field="notes"
        )
    if cart.shipping is not None and not cart.shipping.needs_address:
        address = ""  # a pickup order: an address typed anyway would only confuse the merchant
    return Customer(name=name, address=address, notes=notes)


def place_order(
    shop: Shop, cart: PricedCart, customer: Customer, idempotency_key: str, accepted=None
) -> Order:
    """Insert the order with snapshots of everything the shopper saw (flushes).

    `accepted` (order_rules.Accepted) carries the chosen payment and any closed-shop note.
    """
    shipping = cart.shipping
    payment = accepted.payment if accepted is not None else None
    order = Order(
        shop=shop,
        number=take_order_number(shop),
        token=secrets.token_urlsafe(32),
        idempotency_key=idempotency_key,
        status=OrderStatus.NEW,
        currency=shop.currency,
        currency_exponent=shop.currency_exponent,
        language=shop.language,
        customer_name=customer.name,
        customer_address=customer.address,
        customer_notes=customer.notes,
        shipping_name=shipping.name if shipping is not None else "",
        shipping_price_minor=cart.shipping_minor,
        shipping_needs_address=bool(shipping is not None and shipping.needs_address),
        subtotal_minor=cart.subtotal_minor,
        total_minor=cart.total_minor,
        payment_kind=payment.kind.value if payment is not None else "",
        payment_name=payment.name if payment is not None else "",
        payment_details=payment.details if payment is not None else "",
        closed_note=accepted.closed_note if accepted is not None else "",
    )
    order.lines = [
        OrderLine(
            item_id=line.item.id,
            position=position,
            name=line.item.name,
            code=line.item.code or "",
            unit_price_minor=line.unit_price_minor,
            quantity=line.quantity,
            line_total_minor=line.line_total_minor,
            options_text=line.options_text,
            options=options.snapshot(line.choices),
            stock_taken=_take_stock(line),
        )
        for position, line in enumerate(cart.lines)
    ]
    order.status_changes = [OrderStatusChange(status=OrderStatus.NEW)]
    db.session.add(order)
    db.session.flush()
    return order


def _take_stock(line: PricedLine) -> dict | None:
    """Take the line's units from stock; OrderError (naming it) when they are gone."""
    try:
        taken = stock.take(stock.Want(line.item, line.quantity, line.variant), line.label)
    except stock.OutOfStock as error:
        raise OrderError(error.message, item_id=line.item.id, line_key=line.key) from None
    return taken if taken["item"] or taken["variant"] else None


def take_order_number(shop: Shop) -> int:
    """The shop's next order number, taken atomically.

    The single UPDATE ... RETURNING locks the shop row until the transaction ends
    (PostgreSQL) or takes the write lock (SQLite), so concurrent checkouts queue here
    and get consecutive numbers; a rolled-back checkout gives its number back.
    """
    table = Shop.__table__
    value = db.session.execute(
        update(table)
        .where(table.c.id == shop.id)
        .values(next_order_number=table.c.next_order_number + 1)
        .returning(table.c.next_order_number)
    ).scalar_one()
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


def _unavailable() -> str:
    return _("A product in your cart is no longer available. Remove it to continue.")


# The largest id a 32-bit integer column holds.
MAX_ID = 2**31 - 1


def whole_number(value: object) -> int | None:
    """An integer sent as a number or as ASCII digits; None for anything else.

    Bounded to what an id column holds: PostgreSQL refuses to even compare a larger
    number with an integer column, which would turn a silly cart into a 500.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() and abs(value) < 1e15 else None
    elif isinstance(value, str):
        value = int(value.strip()) if _DIGITS.fullmatch(value.strip()) else None
    if isinstance(value, int) and -MAX_ID <= value <= MAX_ID:
        return value
    return None


def _total_quantity(raw_quantities: list[object]) -> int | None:
    """Quantities of one item (a cart may list it twice), if each and their sum are sane."""
    total = 0
    for raw in raw_quantities:
        quantity = whole_number(raw)
        if quantity is None or quantity < 1 or quantity > MAX_QUANTITY:
            return None
        total += quantity
    return total if total <= MAX_QUANTITY else None


def _shipping(shop: Shop, lines: list[PricedLine], method_id: object):
    """The chosen active method; required when the shop has some and a product ships."""
    methods = [method for method in shop.shipping_methods if method.active]
    if not methods or all(line.item.is_service for line in lines):
        return None
    return choose_offered(
        methods,
        method_id,
        field="shipping",
        missing=_("Choose how you want to receive your order."),
        withdrawn=_("That delivery option is no longer offered. Choose another one."),
    )


def choose_offered(methods: list, raw_id: object, *, field: str, missing: str, withdrawn: str):
    """The offered method (shipping, payment) the shopper chose by id; an OrderError on
    `field` when none was chosen or the choice is no longer offered."""
    if raw_id is None or raw_id == "":
        raise OrderError(missing, field=field)
    chosen = whole_number(raw_id)
    for method in methods:
        if method.id == chosen:
            return method
    raise OrderError(withdrawn, field=field)
