"""The merchant's item list: search, filters and pages, in a constant number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from shop.catalog.common import PER_PAGE, SEARCH_MAX, UNCATEGORISED
from shop.extensions import db
from shop.lib.text import LIKE_ESCAPE, drop_controls, escape_like
from shop.models import Availability, Category, Item, ItemPhoto, Shop


@dataclass
class ItemPage:
    items: list[Item]
    total: int
    page: int
    pages: int
    per_page: int
    numbers: list[int | None] = field(default_factory=list)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search_items(
    shop: Shop,
    query: str = "",
    category: Category | str | None = None,
    availability: Availability | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ItemPage:
    """One page of the shop's items, in catalog order, matching name or code.

    `category` is a Category, UNCATEGORISED, or None for all. Two queries for the
    rows (a count and the page) and two for the photos, however many items match.
    """
    filters = [Item.shop_id == shop.id]
    words = " ".join(drop_controls(query or "").split())[:SEARCH_MAX]
    if words:
        pattern = f"%{escape_like(words)}%"
        filters.append(
            or_(
                Item.name.ilike(pattern, escape=LIKE_ESCAPE),
                Item.code.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    if category == UNCATEGORISED:
        filters.append(Item.category_id.is_(None))
    elif isinstance(category, Category):
        filters.append(Item.category_id == category.id)
    if availability is not None:
        filters.append(Item.availability == Availability(availability))

    total = db.session.scalar(select(func.count()).select_from(Item).where(*filters)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        select(Item)
        .outerjoin(Item.category)
        .options(
            contains_eager(Item.category),
            selectinload(Item.photos).selectinload(ItemPhoto.image),
        )
        .where(*filters)
        .order_by(Item.category_id.is_(None), Category.position, Item.position, Item.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return ItemPage(list(rows.unique()), total, page, pages, per_page, page_numbers(page, pages))


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 40: None marks a gap."""
    wanted = {1, pages, *range(page - around, page + around + 1)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= pages):
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
