"""Stock: units taken when an order is recorded, given back when it is cancelled.

Each take is one conditional UPDATE (``stock = stock - n WHERE stock >= n``): the
database row lock makes concurrent checkouts queue on it, and the loser sees the
condition fail, so stock never goes below zero and the last unit is sold once.
An item counts units (Item.stock) and/or each size/colour combination does
(VariantStock); None or no row means "not counted". What a line took is recorded on
it (OrderLine.stock_taken), so giving back returns exactly that. Functions flush,
never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from shop.extensions import db
from shop.models import Item, Order, OrderLine, VariantStock
from shop.web.translating import gettext as _


class OutOfStock(ValueError):
    """Not enough units left; the message is for the shopper (or the merchant)."""

    def __init__(self, label: str, left: int, item_id: int | None = None):
        self.message = sold_out_message(label, left)
        super().__init__(self.message)
        self.label = label
        self.left = max(left, 0)
        self.item_id = item_id


@dataclass(frozen=True)
class Want:
    """Units of an item, and of its size/colour combination when it has one."""

    item: Item
    quantity: int
    variant: str | None = None  # options.variant_key


def variant_stock(item_id: int, key: str) -> VariantStock | None:
    return db.session.scalar(
        select(VariantStock).where(VariantStock.item_id == item_id, VariantStock.key == key)
    )


def units_left(item: Item, variant: str | None) -> int | None:
    """How many can be ordered now (the smaller of item and combination); None: no limit."""
    limits = [item.stock] if item.stock is not None else []
    if variant is not None:
        row = next((row for row in item.variant_stock if row.key == variant), None)
        if row is not None:
            limits.append(row.stock)
    return min(limits) if limits else None


def sold_out_message(name: str, left: int) -> str:
    if left <= 0:
        return _("“%(name)s” is sold out. Remove it from your cart to continue.", name=name)
    return _(
        "Only %(left)d of “%(name)s” left. Lower the quantity to continue.", left=left, name=name
    )


# Built once: they run while the order holds the shop's number (shop.ordering.order_rows),
# and a statement made per call costs its construction and cache key every time.
_ITEMS = Item.__table__
_TAKE_ITEM = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("wanted_item"), _ITEMS.c.stock >= bindparam("wanted_quantity"))
    .values(stock=_ITEMS.c.stock - bindparam("wanted_quantity"))
    .returning(_ITEMS.c.stock)
)
_VARIANTS = VariantStock.__table__
_TAKE_VARIANT = (
    update(_VARIANTS)
    .where(
        _VARIANTS.c.item_id == bindparam("wanted_item"),
        _VARIANTS.c.key == bindparam("wanted_key"),
        _VARIANTS.c.stock >= bindparam("wanted_quantity"),
    )
    .values(stock=_VARIANTS.c.stock - bindparam("wanted_quantity"))
    .returning(_VARIANTS.c.stock)
)


def take(want: Want, label: str, *, count_item: bool = True) -> dict:
    """Take the units or raise OutOfStock; returns what was taken, for OrderLine.stock_taken.

    `count_item` False leaves the item's own count alone (reopening an order whose line
    took only from its combination).
    """
    taken: dict = {"item": False, "variant": None}
    # An item whose stock is not counted (as read with the cart) has nothing to take.
    if count_item and want.item.stock is not None:
        left = db.session.execute(
            _TAKE_ITEM, {"wanted_item": want.item.id, "wanted_quantity": want.quantity}
        ).scalar_one_or_none()
        if left is not None:
            set_committed_value(want.item, "stock", left)
            taken["item"] = True
        else:
            current = db.session.scalar(select(Item.stock).where(Item.id == want.item.id))
            if current is not None:
                raise OutOfStock(label, current, want.item.id)
    if want.variant is not None:
        left = db.session.execute(
            _TAKE_VARIANT,
            {
                "wanted_item": want.item.id,
                "wanted_key": want.variant,
                "wanted_quantity": want.quantity,
            },
        ).scalar_one_or_none()
        if left is not None:
            taken["variant"] = want.variant
        else:
            current = db.session.scalar(
                select(VariantStock.stock).where(
                    VariantStock.item_id == want.item.id, VariantStock.key == want.variant
                )
            )
            if current is not None:
                raise OutOfStock(label, current, want.item.id)
    return taken


def give_back(order: Order) -> None:
    """Return to stock what the order's lines took (the merchant cancelled it)."""
    for line in order.lines:
        give_back_line(line)
    _refresh(order)


def give_back_line(line: OrderLine) -> None:
    """Return what one line took (cancelled, or edited: shop.ordering.edits); unflushed
    ORM state of its item is the caller's to refresh."""
    taken = line.stock_taken or {}
    if line.item_id is None:
        return  # the item was deleted: nothing to return to
    if taken.get("item"):
        db.session.execute(
            update(Item)
            .where(Item.id == line.item_id, Item.stock.is_not(None))
            .values(stock=Item.stock + line.quantity)
            .execution_options(synchronize_session=False)
        )
    if taken.get("variant"):
        db.session.execute(
            update(VariantStock)
            .where(VariantStock.item_id == line.item_id, VariantStock.key == taken["variant"])
            .values(stock=VariantStock.stock + line.quantity)
            .execution_options(synchronize_session=False)
        )


def take_again(order: Order) -> None:
    """Take again what a cancelled order had given back (the merchant reopens it).

    Raises OutOfStock, naming the product, when those units were sold meanwhile;
    the caller rolls back, so nothing is half taken and the order stays cancelled.
    """
    for line in order.lines:
        taken = line.stock_taken or {}
        item = db.session.get(Item, line.item_id) if line.item_id is not None else None
        if item is None or not (taken.get("item") or taken.get("variant")):
            continue
        want = Want(item, line.quantity, taken.get("variant"))
        line.stock_taken = take(want, line.label, count_item=bool(taken.get("item")))
    _refresh(order)


def refresh_items(item_ids) -> None:
    """Stock changed under the ORM's feet: reload it where loaded."""
    for item in item_ids:
        loaded = db.session.identity_map.get(db.session.identity_key(Item, item))
        if loaded is not None:
            db.session.expire(loaded, ["stock", "variant_stock"])
    db.session.flush()


def _refresh(order: Order) -> None:
    refresh_items({line.item_id for line in order.lines if line.item_id is not None})
