"""The shop page's first view in one statement: the cards it sends and the size of
every section, nothing more.

A big catalog's page sends only its first parts (parts.py): for 1,000 products about
40 cards and a heading per later category. Reading all 1,000 card rows to send 40
(their cover photo and sold-out state are correlated subqueries) was more than half
of a cold render and most of the first render after an edit. This statement ranks the
visible items within their category and counts them with window functions (on the
item index alone), places each section from the capped sizes of those before it, and
joins the card columns only to the rows the page sends:

- every row when the catalog is small enough to be sent whole (LAZY_ABOVE);
- else the first PART_SIZE rows of each section that starts before FIRST_CARDS;
- and each later section's first row, for its heading and size (the only one of its
  rows read; its card is never written).

Each row is CardRow's columns followed by its section's size. The sections and parts
are exactly what parts.first_parts makes from the whole catalog (a test holds them
equal on catalogs of every shape), so the page is the same byte for byte.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from sqlalchemy import and_, bindparam, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from shop.models import Availability, Category, Image, Item
from shop.storefront.fast.columns import columns, position
from shop.storefront.fast.parts import FIRST_CARDS, LAZY_ABOVE, PART_SIZE, placed
from shop.storefront.fast.plain_sql import PlainSelect
from shop.storefront.fast.rows import COVER_IMAGE_ID, CardRow, Section, ShopView, connection

_CATEGORY_ORDER = (Category.position.asc().nulls_last(), Category.id.asc().nulls_last())
_VISIBLE = (Item.shop_id == bindparam("shop_id"), Item.availability != Availability.HIDDEN)
_NO_END = (2**31 - 1, 2**63 - 1)  # past any position and id: every row of the section

# Each section's size: an index-only count (ix_item_shop_card_order covers it).
_SIZES = (
    select(Item.category_id.label("category_id"), func.count().label("total"))
    .where(*_VISIBLE)
    .group_by(Item.category_id)
    .cte("sizes")
)
_CAPPED = case((_SIZES.c.total > PART_SIZE, PART_SIZE), else_=_SIZES.c.total)
# Each section with how many cards the sections before it send at most, and the
# catalog's visible size (windows over a row per category, not per item).
_PLACED = (
    select(
        _SIZES.c.category_id,
        _SIZES.c.total,
        func.coalesce(
            func.sum(_CAPPED).over(order_by=_CATEGORY_ORDER, rows=(None, -1)), literal(0)
        ).label("before"),
        func.sum(_SIZES.c.total).over().label("everything"),
    )
    .select_from(_SIZES.outerjoin(Category, Category.id == _SIZES.c.category_id))
    .cte("placed")
    .prefix_with("MATERIALIZED")
)


def _nth(column, offset: int):
    """`column` of the section's visible item at `offset` in the page's order."""
    other = aliased(Item)
    return (
        select(column(other))
        .where(
            other.shop_id == bindparam("shop_id"),
            other.category_id.is_not_distinct_from(_PLACED.c.category_id),
            other.availability != Availability.HIDDEN,
        )
        .order_by(other.position, other.id)
        .limit(1)
        .offset(offset)
        .scalar_subquery()
    )


def _last(column, no_end: int):
    """The section's last sent row's `column`: none for a catalog sent whole, the
    PART_SIZE-th for a section the page shows, the first for a later one."""
    return case(
        (_PLACED.c.everything <= LAZY_ABOVE, no_end),
        (_PLACED.c.before < FIRST_CARDS, func.coalesce(_nth(column, PART_SIZE - 1), no_end)),
        else_=_nth(column, 0),
    )


# Materialized: evaluated once per section, not once per item row that reads them.
_BOUNDED = (
    select(
        _PLACED.c.category_id,
        _PLACED.c.total,
        _last(lambda item: item.position, _NO_END[0]).label("last_position"),
        _last(lambda item: item.id, _NO_END[1]).label("last_id"),
    )
    .cte("bounded")
    .prefix_with("MATERIALIZED")
)
_FIRST_VIEW = PlainSelect(
    select(*columns(CardRow), _BOUNDED.c.total.label("section_total"))
    .select_from(
        _BOUNDED.join(
            Item,
            and_(
                Item.shop_id == bindparam("shop_id"),
                Item.category_id.is_not_distinct_from(_BOUNDED.c.category_id),
                # A range on the index: a section's rows past its last are not read.
                Item.position <= _BOUNDED.c.last_position,
            ),
        )
        .outerjoin(Category, Category.id == Item.category_id)
        .outerjoin(Image, Image.id == COVER_IMAGE_ID)
    )
    .where(
        Item.availability != Availability.HIDDEN,
        or_(Item.position < _BOUNDED.c.last_position, Item.id <= _BOUNDED.c.last_id),
    )
    .order_by(*_CATEGORY_ORDER, Item.position, Item.id)
)
_CATEGORY_ID = itemgetter(position(CardRow, "category_id"))
_CATEGORY_NAME = position(CardRow, "category_name")


def first_view(shop: ShopView) -> tuple[list[Section], list[Section]]:
    """The shop page's sections as parts.first_parts splits them, (shown, later), from
    one statement that reads only the rows the page sends (see the module docstring)."""
    sections: list[Section] = []
    for category_id, rows in groupby(_FIRST_VIEW.rows(connection(), shop_id=shop.id), _CATEGORY_ID):
        rows = list(rows)
        section = Section(category_id, rows[0][_CATEGORY_NAME], [row[:-1] for row in rows])
        section.total = rows[0][-1]
        sections.append(section)
    return placed(sections)
