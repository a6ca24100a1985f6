"""The merchant's stock edits never silently undo what orders took meanwhile.

The stock forms send back the count each field was loaded with. A count the merchant
left alone is not written at all (the orders' count stands); a changed one is written
with a conditional UPDATE that only applies while the database still holds the loaded
count, so an order recorded between loading the form and saving it makes the save
refuse with the count as it is now, and nothing is lost. Functions flush, never commit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from shop.catalog.common import CatalogError
from shop.extensions import db
from shop.models import Item, VariantStock


class StockChanged(CatalogError):
    """The count changed since the form was loaded; `current` is what it is now."""

    def __init__(self, current: int | None, field: str):
        if current is None:
            message = _("Meanwhile this stopped being counted. Check the units and save again.")
        else:
            message = _(
                "Orders changed this while you were editing: %(current)d left now. "
                "Check the units and save again.",
                current=current,
            )
        super().__init__(message, field)
        self.current = current


def set_item_stock(item: Item, loaded: int | None, typed: int | None) -> None:
    """Write the item's own count if the merchant changed it, unless orders did too."""
    if typed == loaded:
        return
    table = Item.__table__
    written = db.session.execute(
        update(table)
        .where(table.c.id == item.id, table.c.stock.is_not_distinct_from(loaded))
        .values(stock=typed)
    ).rowcount
    if not written:
        raise StockChanged(db.session.scalar(select(Item.stock).where(Item.id == item.id)), "stock")
    set_committed_value(item, "stock", typed)


def set_combination_stock(
    item: Item, loaded: dict[str, int | None], typed: dict[str, int | None]
) -> list[StockChanged]:
    """Write the combinations the merchant changed; the ones orders changed meanwhile
    are left alone and come back as StockChanged (field: the key). Keys must be known
    (catalog.options.set_variant_stock checks them)."""
    refused = []
    for key, value in typed.items():
        before = loaded.get(key)
        if value == before:
            continue
        if not _write_combination(item.id, key, before, value):
            current = db.session.scalar(
                select(VariantStock.stock).where(
                    VariantStock.item_id == item.id, VariantStock.key == key
                )
            )
            refused.append(StockChanged(current, key))
    db.session.expire(item, ["variant_stock"])
    return refused


def _write_combination(item_id: int, key: str, before: int | None, value: int | None) -> bool:
    """One conditional statement; False when the row is not as the form saw it."""
    rows = VariantStock.__table__
    this = (rows.c.item_id == item_id, rows.c.key == key)
    if before is None:
        if db.session.scalar(select(rows.c.id).where(*this)) is not None:
            return False
        try:
            with db.session.begin_nested():  # another tab may add the same row first
                db.session.add(VariantStock(item_id=item_id, key=key, stock=value))
        except IntegrityError:
            return False
        return True
    if value is None:
        statement = delete(rows).where(*this, rows.c.stock == before)
    else:
        statement = update(rows).where(*this, rows.c.stock == before).values(stock=value)
    return bool(db.session.execute(statement).rowcount)
