"""The stock page: every counted item with its units left, and changing only those.

Staff hold the stock capability but not the catalog, so they count units here, never
through the item's edit page. A save touches the counts alone (never a name or a
price) with the same conditional updates as the item page (stock_edits): an order
taken meanwhile makes the save refuse with the count as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from shop.catalog.common import SEARCH_MAX, CatalogError
from shop.catalog.items import MAX_STOCK
from shop.catalog.options import Combination, combinations, set_variant_stock
from shop.catalog.stock_edits import StockChanged, set_item_stock
from shop.extensions import db
from shop.lib.text import LIKE_ESCAPE, drop_controls, escape_like
from shop.models import Category, Item, OptionGroup, Shop, VariantStock

LOW_STOCK = 5  # units: at or below, an item is listed first, under "running low"
MAX_LISTED = 200  # a search narrows a longer list


@dataclass(frozen=True)
class CountedItem:
    item: Item
    combinations: list[Combination]  # [] when the item has no size/colour combinations
    low: bool

    @property
    def counts_itself(self) -> bool:
        """Whether the item's own count is shown (it is, or nothing else is counted)."""
        return self.item.stock is not None or not self.combinations


@dataclass(frozen=True)
class StockList:
    low: list[CountedItem]
    groups: list[tuple[Category | None, list[CountedItem]]]  # catalog order
    total: int  # counted items matching, before MAX_LISTED


def _counted(shop_id: int, query: str):
    variant_rows = exists().where(VariantStock.item_id == Item.id)
    filters = [Item.shop_id == shop_id, or_(Item.stock.is_not(None), variant_rows)]
    words = " ".join(drop_controls(query or "").split())[:SEARCH_MAX]
    if words:
        filters.append(Item.name.ilike(f"%{escape_like(words)}%", escape=LIKE_ESCAPE))
    return filters


def _is_low(item: Item, combos: list[Combination]) -> bool:
    counts = [item.stock] + [combo.stock for combo in combos]
    return any(count is not None and count <= LOW_STOCK for count in counts)


def counted_items(shop: Shop, query: str = "") -> StockList:
    """The shop's counted items matching `query` (by name): low ones first, then by category.

    Low items are ordered first in the query too, so the cap never hides one of them.
    """
    filters = _counted(shop.id, query)
    low_rows = exists().where(VariantStock.item_id == Item.id, VariantStock.stock <= LOW_STOCK)
    total = db.session.scalar(select(func.count()).select_from(Item).where(*filters)) or 0
    rows = db.session.scalars(
        select(Item)
        .outerjoin(Item.category)
        .options(
            contains_eager(Item.category),
            selectinload(Item.option_groups).selectinload(OptionGroup.choices),
            selectinload(Item.variant_stock),
        )
        .where(*filters)
        .order_by(
            case((or_(Item.stock <= LOW_STOCK, low_rows), 0), else_=1),
            Item.category_id.is_(None),
            Category.position,
            Item.position,
            Item.id,
        )
        .limit(MAX_LISTED)
    ).unique()
    low: list[CountedItem] = []
    groups: list[tuple[Category | None, list[CountedItem]]] = []
    for item in rows:
        combos = combinations(item)
        counted = CountedItem(item, combos, _is_low(item, combos))
        if counted.low:
            low.append(counted)
        elif groups and groups[-1][0] is item.category:
            groups[-1][1].append(counted)
        else:
            groups.append((item.category, [counted]))
    return StockList(low, groups, total)


def save_counts(
    item: Item,
    own: tuple[int | None, int | None] | None,
    loaded: dict[str, int | None],
    typed: dict[str, int | None],
) -> list[StockChanged]:
    """Write the counts the person changed: `own` is (loaded, typed) of the item's own
    count (None: not on the form), `loaded`/`typed` the combinations' by key.

    Returns what orders changed meanwhile (the caller rolls everything back then, so a
    save is all or nothing); a count that already is what was typed (the same form sent
    twice) is not a refusal. CatalogError for a count out of range or an unknown key.
    Flushes, never commits.
    """
    if own is not None and own[1] is not None and not 0 <= own[1] <= MAX_STOCK:
        raise CatalogError(_("Write a whole number from 0 to %(max)d.", max=MAX_STOCK), "stock")
    refused: list[StockChanged] = []
    if typed:
        refused += set_variant_stock(item, typed, loaded)
    if own is not None:
        try:
            set_item_stock(item, *own)
        except StockChanged as change:
            refused.append(change)
    wanted = dict(typed, **({"stock": own[1]} if own is not None else {}))
    return [change for change in refused if change.current != wanted[change.field]]
