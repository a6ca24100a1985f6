"""Discounts in a Vitrina export ZIP, read back when they are simple enough to mean the
same thing in another shop.

A discount for the whole cart, or for categories (matched by name, as the importer
matches categories), comes in as it was, paused or not, with its uses at zero: uses
counted in the old shop are not orders of this one. A discount limited to products is
left out and named in the preview (products are matched by code, category and name, and
a partial list would silently apply to less); so is a code this shop already has (the
shop's own wins). Every value goes through the dashboard's own rules
(shop.ordering.coupon_edits), so nothing checkout could not apply is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from shop.extensions import db
from shop.lib.plain_codes import fold
from shop.models import Category, Discount, DiscountKind, Order, Shop
from shop.ordering.coupon_edits import DiscountError, refresh_automatic_flag, save_discount

MAX_IMPORTED = 500  # a shop's own limit (coupon_edits.MAX_DISCOUNTS)


@dataclass
class SourceDiscount:
    code: str  # as shown (uppercase), "" for an automatic discount
    name: str
    kind: str
    value: int
    min_order_minor: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    active: bool = True
    categories: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.code or self.name


def read_discounts(
    records: list, categories: dict
) -> tuple[list[SourceDiscount], list[tuple[str, str]]]:
    """The file's discount records (``categories``: the file's category id -> name) as
    discounts to bring in, and (label, reason) for those left out."""
    found, left_out = [], []
    for record in records[:MAX_IMPORTED]:
        if not isinstance(record, dict):
            continue
        code = fold(_text(record.get("code")))[:40].upper()
        name = " ".join(_text(record.get("name")).split())[:80]
        label = code or name
        try:
            kind = DiscountKind(record.get("kind")).value
        except ValueError:
            left_out.append((label, _("Its kind is not one Vitrina knows.")))
            continue
        if record.get("item_ids"):
            left_out.append(
                (label, _("It is limited to some products: make it again in Discounts."))
            )
            continue
        wanted = record.get("category_ids") or []
        names = [categories.get(i) for i in wanted] if isinstance(wanted, list) else [None]
        if None in names:
            left_out.append((label, _("Its categories are not in the file.")))
            continue
        found.append(
            SourceDiscount(
                code=code,
                name=name,
                kind=kind,
                value=_number(record.get("value")) or 0,
                min_order_minor=_number(record.get("min_order_minor")),
                starts_on=_day(record.get("starts_on")),
                ends_on=_day(record.get("ends_on")),
                max_uses=_number(record.get("max_uses")),
                max_uses_per_customer=_number(record.get("max_uses_per_customer")),
                active=record.get("active") is not False,
                categories=names,
            )
        )
    return found, left_out


def _key(code: str, name: str) -> str:
    """A code is matched by itself, an automatic discount by its name."""
    return f"code:{fold(code)}" if code else f"name:{name.casefold()}"


def existing_keys(shop: Shop) -> set[str]:
    rows = db.session.execute(
        select(Discount.code, Discount.name).where(Discount.shop_id == shop.id)
    )
    return {_key(code or "", name) for code, name in rows}


def new_discounts(shop: Shop, discounts: list[SourceDiscount]) -> list[SourceDiscount]:
    """Those the shop does not have yet (reads only): the preview's list."""
    have = existing_keys(shop)
    return [d for d in discounts if _key(d.code, d.name) not in have]


def write_discounts(
    shop: Shop, discounts: list[SourceDiscount], categories: dict[str, Category]
) -> tuple[list[int], list[tuple[str, str]]]:
    """Create the discounts the shop does not have (``categories``: folded name ->
    the shop's Category); the ids created, and (label, reason) for those refused."""
    created, refused = [], []
    for source in new_discounts(shop, discounts):
        try:  # every rule is checked before anything is added
            discount = save_discount(
                shop,
                None,
                code=source.code,
                name=source.name,
                kind=source.kind,
                value=source.value,
                min_order_minor=source.min_order_minor,
                starts_on=source.starts_on,
                ends_on=source.ends_on,
                max_uses=source.max_uses,
                max_uses_per_customer=source.max_uses_per_customer,
                active=source.active,
                category_ids=[categories[n.casefold()].id for n in source.categories],
            )
        except DiscountError as error:
            refused.append((source.label, str(error)))
            continue
        created.append(discount.id)
    return created, refused


def undo_discounts(shop: Shop, ids: list[int]) -> int:
    """Remove the discounts an import created that no order has taken since."""
    shop_id = shop.id
    taken = set(
        db.session.scalars(
            select(Order.discount_id).where(Order.shop_id == shop_id, Order.discount_id.in_(ids))
        )
    )
    doomed = db.session.scalars(
        select(Discount).where(Discount.shop_id == shop_id, Discount.id.in_(ids))
    ).all()
    removed = 0
    for discount in doomed:
        if discount.id in taken or discount.uses:
            continue
        db.session.delete(discount)
        removed += 1
    db.session.flush()
    refresh_automatic_flag(shop)
    return removed


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
