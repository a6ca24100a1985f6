"""The merchant's side of discounts: create, change, pause them.

Every value is checked here (the forms call the same checks), so no path writes a
discount that checkout could not apply. The shop's has_automatic_discount flag is kept
here too, so a plain cart costs checkout no query in a shop without one. Functions add
and flush; the request commits.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import exists, select

from shop.extensions import db
from shop.lib.money import MAX_MINOR_UNITS
from shop.lib.plain_codes import fold
from shop.models import Category, Discount, DiscountKind, Item, Shop
from shop.ordering.coupons import code_problem
from shop.ordering.discounts import FULL_PERCENT

MAX_NAME = 80
MAX_USES = 1_000_000
MAX_DISCOUNTS = 500


class DiscountError(ValueError):
    """A discount that breaks a rule; the message is for the merchant."""


def save_discount(
    shop: Shop,
    discount: Discount | None,
    *,
    code: str,
    name: str,
    kind: str,
    value: int,
    min_order_minor: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    max_uses: int | None = None,
    max_uses_per_customer: int | None = None,
    active: bool = True,
    category_ids: list[int] | None = None,
    item_ids: list[int] | None = None,
) -> Discount:
    """Create (discount None) or change a discount; DiscountError says what to fix.

    An empty code makes an automatic discount, which needs a name shoppers read and has
    no use limits (nobody types it, so nobody can be counted).
    """
    folded = fold(code)
    if folded:
        problem = code_problem(code)
        if problem:
            raise DiscountError(problem)
    elif not name.strip():
        raise DiscountError(_("Give the automatic discount a name shoppers see, e.g. Summer sale."))
    if len(name) > MAX_NAME:
        raise DiscountError(_("The name can have at most %(max)d characters.", max=MAX_NAME))
    kind = DiscountKind(kind)
    value = _checked_value(kind, value)
    if min_order_minor is not None and not 0 <= min_order_minor <= MAX_MINOR_UNITS:
        raise DiscountError(_("The minimum order is too large."))
    if starts_on and ends_on and ends_on < starts_on:
        raise DiscountError(_("The last day comes before the first day."))
    for limit in (max_uses, max_uses_per_customer):
        if limit is not None and not 1 <= limit <= MAX_USES:
            raise DiscountError(_("A limit of uses is a whole number from 1 to 1000000."))
    if not folded:
        max_uses = max_uses_per_customer = None
    category_ids = _own_ids(shop, Category, category_ids or [])
    item_ids = _own_ids(shop, Item, item_ids or [])
    if _code_taken(shop, folded, discount):
        raise DiscountError(_("The code %(code)s exists already.", code=folded.upper()))
    if discount is None:
        count = db.session.scalar(
            select(db.func.count()).select_from(Discount).where(Discount.shop_id == shop.id)
        )
        if count >= MAX_DISCOUNTS:
            raise DiscountError(_("A shop can have at most %(max)d discounts.", max=MAX_DISCOUNTS))
        discount = Discount(shop=shop)
        db.session.add(discount)
    discount.code = folded or None
    discount.name = name.strip()
    discount.kind = kind
    discount.value = value
    discount.min_order_minor = min_order_minor
    discount.starts_on, discount.ends_on = starts_on, ends_on
    discount.max_uses, discount.max_uses_per_customer = max_uses, max_uses_per_customer
    discount.active = bool(active)
    discount.category_ids, discount.item_ids = category_ids, item_ids
    db.session.flush()
    refresh_automatic_flag(shop)
    return discount


def set_active(discount: Discount, active: bool) -> None:
    discount.active = bool(active)
    db.session.flush()
    refresh_automatic_flag(discount.shop)


def refresh_automatic_flag(shop: Shop) -> None:
    """Whether checkout must look for automatic discounts in this shop."""
    shop.has_automatic_discount = bool(
        db.session.scalar(
            select(
                exists().where(
                    Discount.shop_id == shop.id, Discount.code.is_(None), Discount.active
                )
            )
        )
    )
    db.session.flush()


def _checked_value(kind: DiscountKind, value: int) -> int:
    if kind is DiscountKind.FREE_SHIPPING:
        return 0
    if kind is DiscountKind.PERCENT and not 1 <= value <= FULL_PERCENT:
        raise DiscountError(_("A percentage is more than 0 and at most 100."))
    if kind is DiscountKind.FIXED and not 1 <= value <= MAX_MINOR_UNITS:
        raise DiscountError(_("Write an amount more than 0."))
    return value


def _own_ids(shop: Shop, model, ids: list[int]) -> list[int]:
    """The ids, all the shop's own: another shop's id is refused, never stored."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    found = set(
        db.session.scalars(select(model.id).where(model.shop_id == shop.id, model.id.in_(wanted)))
    )
    if found != set(wanted):
        raise DiscountError(_("Some of the chosen products or categories no longer exist."))
    return wanted


def _code_taken(shop: Shop, folded: str, discount: Discount | None) -> bool:
    if not folded:
        return False
    query = select(Discount.id).where(Discount.shop_id == shop.id, Discount.code == folded)
    if discount is not None and discount.id is not None:
        query = query.where(Discount.id != discount.id)
    return db.session.scalar(query) is not None
