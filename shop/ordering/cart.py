"""A shopper's cart priced from the database: lines, choices, stock and shipping checked.

The browser's cart is only a wish list: every price, name and total is taken from the
database, and anything the browser says about prices or shops is never read. A cart
that cannot be sold is refused with an OrderError the shopper understands. No HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from shop.catalog.variants import combination_key, variant_key
from shop.extensions import db
from shop.lib.text import clean_line, clean_text, whole_number
from shop.models import (
    Availability,
    Item,
    OptionGroup,
    Shop,
)
from shop.ordering import stock
from shop.ordering.choices import (
    ChoiceError,
    check_choices,
    describe,
    line_key,
    parse_choice_ids,
    unit_price,
)
from shop.ordering.offers import offers
from shop.ordering.shipping import shipping_price
from shop.web.translating import gettext as _

MAX_QUANTITY = 999
MAX_LINES = 100
MAX_NAME = 120
MAX_ADDRESS = 500
MAX_NOTES = 1000


class OrderError(ValueError):
    """An order we will not record; the message is for the shopper.

    `field` names the form field to fix, `item_id` the cart line's item and `line_key`
    the line itself (line_key: the same item may be in several lines).
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
    """An operator suspended the shop (shop.shops.suspension): no orders at all."""


@dataclass(frozen=True)
class PricedLine:
    item: Item
    quantity: int
    choices: tuple = ()  # OptionChoice rows, in the item's group order (shop.ordering.choices)

    @property
    def unit_price_minor(self) -> int:
        return unit_price(self.item, self.choices)

    @property
    def line_total_minor(self) -> int:
        return self.unit_price_minor * self.quantity

    @property
    def options_text(self) -> str:
        return describe(self.choices)

    @property
    def label(self) -> str:
        """The product as the shopper chose it: "Camiseta (Talla: M)"."""
        return f"{self.item.name} ({self.options_text})" if self.choices else self.item.name

    @property
    def variant(self) -> str | None:
        return variant_key(self.item, self.choices)

    @property
    def key(self) -> str:
        return line_key(self.item.id, (choice.id for choice in self.choices))


@dataclass(frozen=True)
class PricedCart:
    lines: list[PricedLine]
    shipping: object | None  # ShippingMethod, or None (no methods, or only services)
    # The cart preview's cart before a method is picked: it ships, none chosen yet.
    shipping_pending: bool = False
    zone: object | None = None  # the delivery zone priced for (shop.ordering.zones)

    @property
    def subtotal_minor(self) -> int:
        return sum(line.line_total_minor for line in self.lines)

    @property
    def shipping_minor(self) -> int:
        return shipping_price(self.shipping, self.subtotal_minor, self.zone)

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor + self.shipping_minor


@dataclass(frozen=True)
class Customer:
    name: str
    address: str = ""
    notes: str = ""
    phone: str = ""  # as typed; checkout keeps it in E.164 (shop.ordering.shopper_phone)


def price_cart(
    shop: Shop,
    raw_lines: Iterable[tuple],
    shipping_method_id: object = None,
    *,
    shipping_later: bool = False,
) -> PricedCart:
    """The cart priced from the database; refuses what cannot be sold, line by line.

    A raw line is (item id, quantity) or (item id, quantity, choice ids): the same item
    with other choices is another line; the same item and choices twice are one.
    With `shipping_later` (the cart's preview, never checkout) a cart that ships but
    has no method chosen yet is priced without shipping, marked `shipping_pending`.
    """
    lines = price_lines(shop, raw_lines)
    if shipping_later and _unchosen(shipping_method_id) and _ships(shop, lines):
        return PricedCart(lines=lines, shipping=None, shipping_pending=True)
    shipping = _shipping(shop, lines, shipping_method_id)
    return PricedCart(lines=lines, shipping=shipping)


def price_lines(shop: Shop, raw_lines: Iterable[tuple]) -> list[PricedLine]:
    """The lines of a cart priced as today, without shipping (also what a merchant adds
    to an order: shop.ordering.edits); OrderError for the first that cannot be sold."""
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
        choice_ids = parse_choice_ids(raw_line[2] if len(raw_line) > 2 else None)
        if choice_ids is None:
            raise OrderError(_unavailable(), item_id=item_id)
        key = (item_id, combination_key(choice_ids))
        wanted.setdefault(key, (choice_ids, []))[1].append(raw_quantity)
    items = load_items(shop, {key[0] for key in wanted})
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
            choices = tuple(check_choices(item, choice_ids))
        except ChoiceError as error:
            raise OrderError(
                error.message, item_id=item_id, line_key=line_key(item_id, choice_ids)
            ) from None
        line = PricedLine(item=item, quantity=quantity, choices=choices)
        left = stock.units_left(item, line.variant)
        if left is not None and left < quantity:
            raise OrderError(
                stock.sold_out_message(line.label, left), item_id=item_id, line_key=line.key
            )
        lines.append(line)
    return lines


# Built once (a statement made per call costs its cache key every time).
_CART_ITEMS = select(
    Item, select(OptionGroup.id).where(OptionGroup.item_id == Item.id).exists()
).where(Item.shop_id == bindparam("shop_id"), Item.id.in_(bindparam("ids", expanding=True)))


def load_items(shop: Shop, ids: set[int]) -> dict[int, Item]:
    """The shop's items among `ids`, with their options and combinations' stock.

    One statement for a cart of plain products: whether an item has options is asked in
    the same statement, and only the items that have some load them (two more).
    """
    rows = db.session.execute(_CART_ITEMS, {"shop_id": shop.id, "ids": list(ids)}).all()
    with_options = [item.id for item, has in rows if has]
    for item, has in rows:
        if not has:  # nothing to load: no lazy load later either
            set_committed_value(item, "option_groups", [])
            set_committed_value(item, "variant_stock", [])
    if with_options:
        db.session.scalars(
            select(Item)
            .where(Item.id.in_(with_options))
            .options(
                selectinload(Item.option_groups).selectinload(OptionGroup.choices),
                selectinload(Item.variant_stock),
            )
        ).all()
    return {item.id: item for item, _has in rows}


def check_customer(cart: PricedCart, customer: Customer) -> Customer:
    """Trimmed customer details, or an OrderError naming the field to fix."""
    return check_details(customer, cart.shipping)


def check_details(customer: Customer, shipping) -> Customer:
    """The same check for a shipping method (anything with `needs_address`, or None for
    an order without one): also what a merchant's change of an order's details must pass
    (shop.ordering.order_details)."""
    name = " ".join(clean_line(customer.name).split())
    address = clean_text(customer.address)
    notes = clean_text(customer.notes)
    if not name:
        raise OrderError(_("Write your name, so the shop knows who is ordering."), field="name")
    if len(name) > MAX_NAME:
        raise OrderError(
            _("The name can have at most %(max)d characters.", max=MAX_NAME), field="name"
        )
    needs_address = shipping is not None and shipping.needs_address
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
    if shipping is not None and not shipping.needs_address:
        address = ""  # a pickup order: an address typed anyway would only confuse the merchant
    return Customer(name=name, address=address, notes=notes, phone=customer.phone)


def _unavailable() -> str:
    return _("A product in your cart is no longer available. Remove it to continue.")


def _total_quantity(raw_quantities: list[object]) -> int | None:
    """Quantities of one item (a cart may list it twice), if each and their sum are sane."""
    total = 0
    for raw in raw_quantities:
        quantity = whole_number(raw)
        if quantity is None or quantity < 1 or quantity > MAX_QUANTITY:
            return None
        total += quantity
    return total if total <= MAX_QUANTITY else None


def _ships(shop: Shop, lines: list[PricedLine]) -> bool:
    """The shop has shipping methods and a product in the cart needs one."""
    return bool(offers(shop).shipping) and not all(line.item.is_service for line in lines)


def _unchosen(raw_id: object) -> bool:
    return raw_id is None or raw_id == ""


def _shipping(shop: Shop, lines: list[PricedLine], method_id: object):
    """The chosen active method; required when the shop has some and a product ships."""
    if not _ships(shop, lines):
        return None
    methods = offers(shop).shipping
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
    if _unchosen(raw_id):
        raise OrderError(missing, field=field)
    chosen = whole_number(raw_id)
    for method in methods:
        if method.id == chosen:
            return method
    raise OrderError(withdrawn, field=field)
