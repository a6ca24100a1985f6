"""Items: products and services, their fields and their place in a category."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update

from shop.catalog.common import (
    CODE_MAX,
    DESCRIPTION_MAX,
    ITEM_NAME_MAX,
    CatalogError,
    Direction,
    clean_name,
    drop_controls,
    renumber,
)
from shop.catalog.options import copy_options
from shop.catalog.stock_edits import set_item_stock
from shop.extensions import db
from shop.lib.money import MAX_MINOR_UNITS
from shop.models import Availability, Category, Item, ItemPhoto, Shop

MAX_STOCK = 1_000_000


@dataclass
class ItemData:
    """What the merchant can set on an item; amounts already in minor units."""

    name: str
    price_minor: int
    description: str = ""
    compare_at_minor: int | None = None
    code: str = ""
    category: Category | None = None
    availability: Availability = Availability.AVAILABLE
    is_service: bool = False
    stock: int | None = None  # units left; None: not counted
    # The count the form was loaded with, when it says (stock_edits): then the stock
    # is written only if the merchant changed it, and refused if orders did too.
    stock_loaded: int | None = None
    check_stock: bool = False


def _in_category(shop_id: int, category_id: int | None):
    column = Item.category_id
    where = column.is_(None) if category_id is None else column == category_id
    return and_(Item.shop_id == shop_id, where)


def _next_position(shop_id: int, category_id: int | None) -> int:
    top = db.session.scalar(
        select(func.max(Item.position)).where(_in_category(shop_id, category_id))
    )
    return 0 if top is None else top + 1


def append_to(items: list[Item], category: Category | None, shop: Shop) -> None:
    """Put items last in `category`, keeping their order; the rest of the category stays put."""
    start = _next_position(shop.id, category.id if category else None)
    for offset, item in enumerate(items):
        item.category = category
        item.position = start + offset


def _checked(shop: Shop, data: ItemData) -> dict:
    """The column values for `data`, or CatalogError naming the field that is wrong."""
    description = drop_controls(
        (data.description or "").replace("\r\n", "\n").replace("\r", "\n")
    ).strip()
    if len(description) > DESCRIPTION_MAX:
        raise CatalogError(
            _(
                "Use at most %(max)d characters (this has %(count)d).",
                max=DESCRIPTION_MAX,
                count=len(description),
            ),
            "description",
        )
    code = drop_controls(data.code or "").strip()
    if len(code) > CODE_MAX:
        raise CatalogError(_("Use at most %(max)d characters.", max=CODE_MAX), "code")
    if not 0 <= data.price_minor <= MAX_MINOR_UNITS:
        raise CatalogError(_("That amount is too large."), "price")
    compare_at = data.compare_at_minor
    if compare_at is not None and not data.price_minor < compare_at <= MAX_MINOR_UNITS:
        raise CatalogError(
            _("The price before the sale must be higher than the price."), "compare_at"
        )
    if data.category is not None and data.category.shop_id != shop.id:
        raise CatalogError(_("Choose one of your categories."), "category")
    if data.stock is not None and not 0 <= data.stock <= MAX_STOCK:
        raise CatalogError(_("Write a whole number from 0 to %(max)d.", max=MAX_STOCK), "stock")
    return {
        "name": clean_name(data.name, ITEM_NAME_MAX),
        "description": description,
        "price_minor": data.price_minor,
        "compare_at_minor": compare_at,
        "code": code,
        "availability": Availability(data.availability),
        "is_service": bool(data.is_service),
        "stock": data.stock,
    }


def create_item(shop: Shop, data: ItemData) -> Item:
    """A new item, last in its category."""
    values = _checked(shop, data)
    category_id = data.category.id if data.category else None
    item = Item(shop=shop, category=data.category, **values)
    item.position = _next_position(shop.id, category_id)
    db.session.add(item)
    db.session.flush()
    return item


def update_item(item: Item, data: ItemData) -> None:
    """Change an item; moved to another category it goes last there."""
    values = _checked(item.shop, data)
    if data.check_stock:
        set_item_stock(item, data.stock_loaded, values.pop("stock"))
    for name, value in values.items():
        setattr(item, name, value)
    move_items([item], data.category)
    db.session.flush()


def duplicate_item(item: Item) -> Item:
    """A copy right after the original, sharing its photos' images, with its options
    and stock settings, hidden until reviewed.

    Hidden because the copy is a starting point (another size or colour): shoppers
    should not see a twin of the product with "(copy)" in its name.
    """
    room = ITEM_NAME_MAX - len(_("%(name)s (copy)", name=""))
    name = _("%(name)s (copy)", name=item.name[:room].rstrip())
    db.session.execute(
        update(Item)
        .where(_in_category(item.shop_id, item.category_id), Item.position > item.position)
        .values(position=Item.position + 1)
    )
    copy = Item(
        shop=item.shop,
        category=item.category,
        name=name,
        description=item.description,
        price_minor=item.price_minor,
        compare_at_minor=item.compare_at_minor,
        code=item.code,
        availability=Availability.HIDDEN,
        is_service=item.is_service,
        stock=item.stock,
        position=item.position + 1,
        photos=[ItemPhoto(image=p.image, position=i) for i, p in enumerate(item.photos)],
    )
    db.session.add(copy)
    db.session.flush()
    copy_options(item, copy)
    return copy


def move_item(item: Item, direction: Direction) -> bool:
    """Swap with the neighbour above or below in its category; False at that end."""
    neighbour = _neighbour(item, direction)
    if neighbour is None:
        return False
    if neighbour.position == item.position:
        # Ties (rows written outside these functions): renumber once, then swap.
        renumber(
            list(
                db.session.scalars(
                    select(Item)
                    .where(_in_category(item.shop_id, item.category_id))
                    .order_by(Item.position, Item.id)
                )
            )
        )
    item.position, neighbour.position = neighbour.position, item.position
    db.session.flush()
    return True


def _neighbour(item: Item, direction: Direction) -> Item | None:
    position, pk = Item.position, Item.id
    if direction == "up":
        where = or_(position < item.position, and_(position == item.position, pk < item.id))
        order = (position.desc(), pk.desc())
    else:
        where = or_(position > item.position, and_(position == item.position, pk > item.id))
        order = (position, pk)
    return db.session.scalar(
        select(Item).where(_in_category(item.shop_id, item.category_id), where).order_by(*order)
    )


def _one_shop(items: list[Item]) -> Shop | None:
    shops = {item.shop_id for item in items}
    if len(shops) > 1:
        raise ValueError("Items of several shops in one catalog change.")
    return items[0].shop if items else None


def set_availability(items: list[Item], value: Availability) -> int:
    """Mark items available, sold out or hidden; returns how many changed."""
    value = Availability(value)
    shop = _one_shop(items)
    changed = [item for item in items if item.availability != value]
    for item in changed:
        item.availability = value
    if changed and shop is not None:
        db.session.flush()
    return len(changed)


def move_items(items: list[Item], category: Category | None) -> int:
    """Move items to `category` (None: uncategorised), last there; returns how many moved."""
    shop = _one_shop(items)
    if shop is None:
        return 0
    if category is not None and category.shop_id != shop.id:
        raise CatalogError(_("Choose one of your categories."), "category")
    target = category.id if category else None
    moving = sorted(
        (item for item in items if item.category_id != target),
        key=lambda item: (item.category_id or 0, item.position, item.id),
    )
    if moving:
        append_to(moving, category, shop)
        db.session.flush()
    return len(moving)


def delete_items(items: list[Item]) -> int:
    """Delete items (with their photo links); orders keep their own snapshots."""
    shop = _one_shop(items)
    for item in items:
        db.session.delete(item)
    if shop is not None:
        db.session.flush()
    return len(items)
