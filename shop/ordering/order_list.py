"""The merchant's orders list at 10,000 orders: filters, search and keyset pages.

A page is "the next 50 orders numbered below N" (keyset), never an OFFSET that reads
and throws away every order before it, so the last page costs what the first does;
the indexes on (shop, number), (shop, status, number), (shop, shipping name, number)
and (customer, number) serve it. The counts by status and paid, the newest order and
"anything moved" are read from the few rows the database keeps per shop
(shop.models.order_counts), never counted from the orders. Filters come from
the query string and anything malformed is ignored rather than refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, false, func, or_, select

from shop.extensions import db
from shop.lib.text import LIKE_ESCAPE, clean_line, escape_like, whole_number
from shop.models import Order, OrderCount, OrderStatus, Shop
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
    shipping: int | None = None  # one of the shop's shipping methods, by id
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
            "shipping": current.shipping,
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
            self.status or self.paid or self.method or self.shipping or self.since
            or self.until or self.customer or self.query
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
    shipping = whole_number(args.get("shipping", ""))
    return Filters(
        status=status,
        paid=paid if paid in ("yes", "no") else "",
        method=" ".join(clean_line(args.get("method")).split())[:80],
        shipping=shipping if shipping and shipping > 0 else None,
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


def shipping_name(shop: Shop, method_id: int) -> str | None:
    """The name orders kept of one of *this* shop's shipping methods (None: not one of
    them, so the list is empty rather than someone else's). Read from the shop's methods,
    which the list's filter form loads anyway; the name goes into the query as a value,
    so the planner can tell a rare method (its index) from a common one. Orders placed
    before a rename kept the old name and are not matched."""
    return next((m.name for m in shop.shipping_methods if m.id == method_id), None)


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
    if filters.shipping:
        name = shipping_name(shop, filters.shipping)
        stmt = stmt.where(Order.shipping_name == name if name is not None else false())
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


def page_of(
    shop: Shop, filters: Filters, per_page: int = PER_PAGE
) -> tuple[list[tuple[Order, bool]], int | None]:
    """One page, newest first: (order, returning customer) pairs and the keyset of the
    next page (None on the last). One statement."""
    stmt = filtered(shop, filters).add_columns(returning_clause().label("returning_customer"))
    if filters.before:
        stmt = stmt.where(Order.number < filters.before)
    rows = db.session.execute(stmt.order_by(Order.number.desc()).limit(per_page + 1)).all()
    page = [(row[0], bool(row[1])) for row in rows[:per_page]]
    more = len(rows) > per_page
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


@dataclass(frozen=True)
class Tally:
    """What the list shows above the orders and what its news check compares."""

    counts: dict  # OrderStatus -> how many
    paid: int  # marked paid
    unpaid: int  # not marked paid and not cancelled (money still to come)
    latest: int  # the newest order's id
    changes: int  # grows with every move, paid mark and history row

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def list_counts(shop: Shop) -> Tally:
    """The shop's orders counted by status and paid: its few `order_count` rows, kept by
    triggers (shop.models.order_counts), so this costs the same at 10 orders as at 10,000."""
    counts: dict = {}
    paid = unpaid = latest = changes = 0
    for status, is_paid, orders, changed, newest in db.session.execute(
        select(
            OrderCount.status,
            OrderCount.paid,
            OrderCount.orders,
            OrderCount.changes,
            OrderCount.latest_order_id,
        ).where(OrderCount.shop_id == shop.id)
    ):
        try:
            status = OrderStatus(status)
        except ValueError:  # a status this code no longer knows: not listed
            continue
        if orders:
            counts[status] = counts.get(status, 0) + orders
        if is_paid:
            paid += orders
        elif status != OrderStatus.CANCELLED:
            unpaid += orders
        latest = max(latest, newest)
        changes += changed
    return Tally(counts, paid, unpaid, latest, changes)
