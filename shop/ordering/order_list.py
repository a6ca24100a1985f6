"""The merchant's orders list at 10,000 orders: filters, search and keyset pages.

A page is "the next 50 orders numbered below N" (keyset), never an OFFSET that reads
and throws away every order before it, so the last page costs what the first does;
the indexes on (shop, number), (shop, status, number) and (customer, number) serve it.
Counting by status, paid and the newest order is one grouped query. Filters come from
the query string and anything malformed is ignored rather than refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, case, func, or_, select

from shop.extensions import db
from shop.lib.text import LIKE_ESCAPE, clean_line, escape_like, whole_number
from shop.models import Order, OrderStatus, Shop
from shop.ordering.customers import returning_clause
from shop.ordering.paid import unpaid_clause

PER_PAGE = 50
MAX_SEARCH = 100
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Filters:
    status: OrderStatus | None = None
    paid: str = ""  # "yes", "no" (unpaid, not cancelled) or "" for both
    method: str = ""  # the payment method's name as the order kept it
    since: date | None = None
    until: date | None = None  # inclusive
    customer: int | None = None
    query: str = ""
    before: int | None = None  # the keyset: orders numbered below this

    @property
    def unpaid(self) -> bool:
        return self.paid == "no"

    def args(self, **changes) -> dict:
        """The query string for links (page and filters), without empty values."""
        current = replace(self, **changes)
        values = {
            "status": current.status.value if current.status else None,
            "paid": current.paid or None,
            "method": current.method or None,
            "since": current.since.isoformat() if current.since else None,
            "until": current.until.isoformat() if current.until else None,
            "customer": current.customer,
            "q": current.query or None,
            "before": current.before,
        }
        return {key: value for key, value in values.items() if value is not None}

    @property
    def any(self) -> bool:
        return bool(
            self.status or self.paid or self.method or self.since or self.until
            or self.customer or self.query
        )  # fmt: skip


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def read_filters(args) -> Filters:
    """The filters in a query string (request.args); unknown values are dropped."""
    try:
        status = OrderStatus(args.get("status", ""))
    except ValueError:
        status = None
    paid = args.get("paid", "")
    before = whole_number(args.get("before", ""))
    customer = whole_number(args.get("customer", ""))
    return Filters(
        status=status,
        paid=paid if paid in ("yes", "no") else "",
        method=" ".join(clean_line(args.get("method")).split())[:80],
        since=_date(args.get("since")),
        until=_date(args.get("until")),
        customer=customer if customer and customer > 0 else None,
        query=" ".join(clean_line(args.get("q")).split())[:MAX_SEARCH],
        before=before if before and before > 0 else None,
    )


def search_clause(text: str):
    """An order number, or part of the name (any case) or of the number's digits."""
    like = f"%{escape_like(text.casefold())}%"
    clauses = [
        func.lower(Order.customer_name).like(like, escape=LIKE_ESCAPE),
        Order.customer_key.like(like, escape=LIKE_ESCAPE),
    ]
    digits = "".join(_DIGITS.findall(text))
    if digits:
        clauses.append(Order.customer_phone.like(f"%{digits}%"))
    number = whole_number(text.lstrip("#").strip())
    if number is not None:
        clauses.append(Order.number == number)
    return or_(*clauses)


def filtered(shop: Shop, filters: Filters) -> Select:
    """The shop's orders matching the filters (no keyset, no order)."""
    stmt = select(Order).where(Order.shop_id == shop.id)
    if filters.status is not None:
        stmt = stmt.where(Order.status == filters.status)
    if filters.unpaid:
        stmt = stmt.where(unpaid_clause())
    elif filters.paid == "yes":
        stmt = stmt.where(Order.paid_at.is_not(None))
    if filters.method:
        stmt = stmt.where(Order.payment_name == filters.method)
    if filters.since:
        stmt = stmt.where(Order.created_at >= datetime.combine(filters.since, time()))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time())
        stmt = stmt.where(Order.created_at < end)
    if filters.customer:
        stmt = stmt.where(Order.customer_id == filters.customer)
    if filters.query:
        stmt = stmt.where(search_clause(filters.query))
    return stmt


def page_of(shop: Shop, filters: Filters) -> tuple[list[tuple[Order, bool]], int | None]:
    """One page, newest first: (order, returning customer) pairs and the keyset of the
    next page (None on the last). One statement."""
    stmt = filtered(shop, filters).add_columns(returning_clause().label("returning_customer"))
    if filters.before:
        stmt = stmt.where(Order.number < filters.before)
    rows = db.session.execute(stmt.order_by(Order.number.desc()).limit(PER_PAGE + 1)).all()
    page = [(row[0], bool(row[1])) for row in rows[:PER_PAGE]]
    more = len(rows) > PER_PAGE
    return page, (page[-1][0].number if more else None)


def time_page_of(
    shop: Shop, filters: Filters, arrange: Callable[[Select], Select]
) -> tuple[list[tuple[Order, bool]], bool]:
    """The first page in pickup or delivery time order (`arrange` filters and sorts, as
    shop.dashboard.order_times asks): (order, returning) pairs and whether more orders
    match than one page shows. One statement; no keyset here (times repeat), so a list
    by time is narrowed by its day or the other filters rather than paged."""
    stmt = filtered(shop, filters).add_columns(returning_clause().label("returning_customer"))
    rows = db.session.execute(arrange(stmt).limit(PER_PAGE + 1)).all()
    return [(row[0], bool(row[1])) for row in rows[:PER_PAGE]], len(rows) > PER_PAGE


def list_counts(shop: Shop) -> tuple[dict, int, int, int]:
    """Orders by status, how many are marked paid, the newest order's id and how many
    are still to be paid: one grouped query."""
    unpaid = func.sum(case((unpaid_clause(), 1), else_=0))
    counts, paid, latest, unpaid_count = {}, 0, 0, 0
    for status, count, paid_count, newest, unpaid_n in db.session.execute(
        select(Order.status, func.count(), func.count(Order.paid_at), func.max(Order.id), unpaid)
        .where(Order.shop_id == shop.id)
        .group_by(Order.status)
    ):
        counts[status] = count
        paid += paid_count
        latest = max(latest, newest or 0)
        unpaid_count += unpaid_n or 0
    return counts, paid, latest, unpaid_count
