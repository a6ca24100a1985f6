"""The orders list by pickup or delivery time: ?when=upcoming|today|tomorrow keeps the
orders with a time then (on the shop's clock), earliest first; ?sort=time sorts any
list by time (orders without one last)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import request
from sqlalchemy import Select

from shop.lib.hours import shop_zone, zone_info
from shop.models import Order

WHENS = ("upcoming", "today", "tomorrow")


def when_filter() -> str | None:
    value = request.args.get("when", "")
    return value if value in WHENS else None


def by_time() -> bool:
    return request.args.get("sort") == "time" or when_filter() is not None


def apply(stmt: Select, shop, now: datetime) -> Select:
    """The list's statement filtered and sorted by time as the merchant asked."""
    when = when_filter()
    if when == "upcoming":
        stmt = stmt.where(Order.slot_at >= now.replace(tzinfo=None) - timedelta(hours=1))
    elif when is not None:
        tz = zone_info(shop_zone(shop))
        day = now.astimezone(tz).date() + timedelta(days=1 if when == "tomorrow" else 0)
        start = datetime.combine(day, time(), tz).astimezone(UTC).replace(tzinfo=None)
        end = datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC)
        stmt = stmt.where(Order.slot_at >= start, Order.slot_at < end.replace(tzinfo=None))
    if by_time():
        return stmt.order_by(Order.slot_at.is_(None), Order.slot_at, Order.number)
    return stmt.order_by(Order.number.desc())


def arrange(shop, now: datetime):
    """`apply` for the orders list's statement, at `now` (naive UTC or aware)."""
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    return lambda stmt: apply(stmt, shop, aware)


def has_times(page) -> bool:
    """Whether to offer the lists by time: when the merchant is in one, or the page shows
    an order with a time (no statement of its own: the list's budget is four)."""
    return by_time() or any(order.slot_at is not None for order, _returning in page)
