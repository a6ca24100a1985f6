"""A shop's customers, read from their orders: totals when asked, merging by hand.

How many orders, how much and when are counted from the orders in one grouped query
each time they are shown: nothing keeps a running total that could drift. Functions
that change data flush; the request commits once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from shop.extensions import db
from shop.lib.text import LIKE_ESCAPE, clean_line, clean_text, escape_like
from shop.models import Customer, Order, OrderStatus, Shop

PER_PAGE = 50
MAX_NOTE = 2000
MAX_TAGS = 300
MAX_SEARCH = 100
_DIGITS = re.compile(r"\d+")


class CustomerError(ValueError):
    """A change refused, with the reason for the merchant."""


@dataclass(frozen=True)
class Totals:
    orders: int = 0
    spent_minor: int = 0  # cancelled orders left out
    first_at: datetime | None = None
    last_at: datetime | None = None


def _totals_columns():
    spent = func.coalesce(
        func.sum(case((Order.status != OrderStatus.CANCELLED, Order.total_minor), else_=0)), 0
    )
    return (
        func.count(Order.id),
        spent,
        func.min(Order.created_at),
        func.max(Order.created_at),
    )


def totals_of(customer_ids: list[int]) -> dict[int, Totals]:
    """Each customer's totals, in one grouped query."""
    if not customer_ids:
        return {}
    rows = db.session.execute(
        select(Order.customer_id, *_totals_columns())
        .where(Order.customer_id.in_(customer_ids))
        .group_by(Order.customer_id)
    )
    return {row[0]: Totals(*row[1:]) for row in rows}


def search_clause(name, phone, key, text: str):
    """Name or digits of the number containing what was typed, in any case: the key
    holds the name folded (SQLite's lower() folds only ASCII: Zoë, ZOË)."""
    text = " ".join(text.split())[:MAX_SEARCH]
    like = f"%{escape_like(text.casefold())}%"
    clauses = [
        func.lower(name).like(like, escape=LIKE_ESCAPE),
        key.like(like, escape=LIKE_ESCAPE),
    ]
    digits = "".join(_DIGITS.findall(text))
    if digits:
        clauses.append(phone.like(f"%{digits}%"))
    return or_(*clauses)


def customers_page(shop: Shop, query: str = "", page: int = 1) -> tuple[list, bool]:
    """(customer, totals) of one page, most recent order first, and whether more follow:
    one grouped query (the customers with their orders' totals)."""
    count, spent, first_at, last_at = _totals_columns()
    stmt = (
        select(Customer, count, spent, first_at, last_at)
        .outerjoin(Order, Order.customer_id == Customer.id)
        .where(Customer.shop_id == shop.id, Customer.merged_into_id.is_(None))
        .group_by(Customer.id)
        .order_by(last_at.desc(), Customer.id.desc())
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    )
    if query.strip():
        stmt = stmt.where(
            or_(
                search_clause(Customer.name, Customer.phone, Customer.key, query),
                _tag_clause(query),
            )
        )
    rows = db.session.execute(stmt).all()
    return [(row[0], Totals(*row[1:])) for row in rows[:PER_PAGE]], len(rows) > PER_PAGE


def _tag_clause(query: str):
    like = f"%{escape_like(query.strip().casefold())}%"
    return func.lower(Customer.tags).like(like, escape=LIKE_ESCAPE)


def orders_of(customer: Customer) -> Select:
    return (
        select(Order)
        .where(Order.customer_id == customer.id, Order.shop_id == customer.shop_id)
        .order_by(Order.number.desc())
    )


def returning_clause():
    """True for an order whose customer ordered before it (the "returning" mark)."""
    earlier = aliased(Order)
    return exists().where(
        and_(
            Order.customer_id.is_not(None),
            earlier.customer_id == Order.customer_id,
            earlier.number < Order.number,
        )
    )


def is_returning(order: Order) -> bool:
    if order.customer_id is None:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(Order.customer_id == order.customer_id, Order.number < order.number)
            )
        )
    )


def save_details(customer: Customer, note: str, tags: str) -> None:
    """The merchant's note and tags, cleaned (tags: trimmed, no repeats, comma-separated)."""
    note = clean_text(note or "")
    if len(note) > MAX_NOTE:
        raise CustomerError(_("The note is too long (at most %(max)d characters).", max=MAX_NOTE))
    seen: dict[str, str] = {}
    for tag in (clean_line(part).strip() for part in (tags or "").split(",")):
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag[:40]
    joined = ", ".join(seen.values())
    if len(joined) > MAX_TAGS:
        raise CustomerError(_("Too many tags (at most %(max)d characters).", max=MAX_TAGS))
    customer.note, customer.tags = note, joined
    db.session.flush()


def merge(keep: Customer, other: Customer) -> int:
    """Make `other` part of `keep`: its orders, note and tags move over, and the next
    orders matched by its number or name go to `keep` too. Returns the orders moved.

    Refused for the same customer, for one already merged, or across shops."""
    if keep.id == other.id or keep.shop_id != other.shop_id:
        raise CustomerError(_("Choose two different customers."))
    if keep.merged_into_id is not None or other.merged_into_id is not None:
        raise CustomerError(_("That customer was already merged."))
    moved = db.session.execute(
        update(Order)
        .where(Order.customer_id == other.id, Order.shop_id == keep.shop_id)
        .values(customer_id=keep.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        update(Customer)
        .where(Customer.merged_into_id == other.id)
        .values(merged_into_id=keep.id)
        .execution_options(synchronize_session=False)
    )
    other.merged_into_id = keep.id
    note = "\n\n".join(part for part in (keep.note, other.note) if part.strip())
    save_details(keep, note[:MAX_NOTE], ", ".join([keep.tags, other.tags]))
    if not keep.phone and other.phone:
        keep.phone = other.phone
    db.session.flush()
    return moved


def merge_choices(customer: Customer, query: str) -> list[Customer]:
    """Other customers of the shop to merge into this one, found by name or number."""
    if not query.strip():
        return []
    return list(
        db.session.scalars(
            select(Customer)
            .where(
                Customer.shop_id == customer.shop_id,
                Customer.id != customer.id,
                Customer.merged_into_id.is_(None),
                search_clause(Customer.name, Customer.phone, Customer.key, query),
            )
            .order_by(Customer.name)
            .limit(20)
        )
    )


def customer_rows(shop: Shop):
    """Every customer with totals, for the CSV and the export (one grouped query,
    read in batches)."""
    count, spent, first_at, last_at = _totals_columns()
    stmt = (
        select(Customer, count, spent, first_at, last_at)
        .outerjoin(Order, Order.customer_id == Customer.id)
        .where(Customer.shop_id == shop.id, Customer.merged_into_id.is_(None))
        .group_by(Customer.id)
        .order_by(Customer.id)
    )
    for row in db.session.execute(stmt.execution_options(yield_per=500)):
        yield row[0], Totals(*row[1:])
