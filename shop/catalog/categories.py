"""Categories: named groups in the shop's own order (positions stay 0..n-1)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from shop.catalog.common import (
    CATEGORY_NAME_MAX,
    CatalogError,
    Direction,
    clean_name,
    renumber,
)
from shop.catalog.items import append_to
from shop.extensions import db
from shop.models import Category, Item, Shop


def ordered_categories(shop: Shop) -> list[Category]:
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.shop_id == shop.id)
            .order_by(Category.position, Category.id)
        )
    )


def _category_name(shop: Shop, text: str | None, exclude_id: int | None = None) -> str:
    name = clean_name(text, CATEGORY_NAME_MAX)
    # Compared in Python: casefold() knows every alphabet, SQLite's lower() only ASCII.
    others = db.session.scalars(
        select(Category.name).where(Category.shop_id == shop.id, Category.id != (exclude_id or 0))
    )
    if name.casefold() in {other.casefold() for other in others}:
        raise CatalogError(_("You already have a category called %(name)s.", name=name), "name")
    return name


def create_category(shop: Shop, name: str) -> Category:
    """A new category, shown last."""
    clean = _category_name(shop, name)
    categories = ordered_categories(shop)
    renumber(categories)
    category = Category(shop=shop, name=clean, position=len(categories))
    db.session.add(category)
    db.session.flush()
    return category


def rename_category(category: Category, name: str) -> None:
    clean = _category_name(category.shop, name, exclude_id=category.id)
    if clean != category.name:
        category.name = clean
    db.session.flush()


def move_category(category: Category, direction: Direction) -> bool:
    """Swap with the neighbour above or below; False when already at that end."""
    categories = ordered_categories(category.shop)
    renumber(categories)
    index = categories.index(category)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(categories):
        return False
    category.position, categories[other].position = other, index
    db.session.flush()
    return True


def delete_category(category: Category, move_items_to: Category | None) -> int:
    """Delete a category; its items go to `move_items_to` (None: uncategorised), last there.

    Returns how many items moved. No item is ever deleted with its category.
    """
    shop = category.shop
    if move_items_to is not None and (
        move_items_to.id == category.id or move_items_to.shop_id != category.shop_id
    ):
        raise CatalogError(_("Choose another category of this shop."), "move_items_to")
    items = list(
        db.session.scalars(
            select(Item)
            .where(Item.shop_id == shop.id, Item.category_id == category.id)
            .order_by(Item.position, Item.id)
        )
    )
    append_to(items, move_items_to, shop)
    db.session.delete(category)
    db.session.flush()
    renumber(ordered_categories(shop))
    db.session.flush()
    return len(items)


def item_counts(shop: Shop) -> dict[int | None, int]:
    """How many items each category holds (None: uncategorised), in one query."""
    rows = db.session.execute(
        select(Item.category_id, func.count())
        .where(Item.shop_id == shop.id)
        .group_by(Item.category_id)
    )
    return {category_id: count for category_id, count in rows}
