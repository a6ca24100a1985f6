"""Platform-wide totals for the operators: shops, orders and visitors per day (UTC, the
platform has no one time zone), read in three grouped statements whatever the size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from shop.analytics.events import VISITOR
from shop.extensions import db
from shop.models import DailyCount, Order, Shop

DAYS = 14


@dataclass
class PlatformDay:
    day: date
    new_shops: int = 0
    orders: int = 0
    visitors: int = 0


@dataclass
class Platform:
    shops: int
    days: list[PlatformDay]


def platform_totals(today: date, days: int = DAYS) -> Platform:
    """All shops, and the last `days` days (newest first) of new shops, orders, visitors."""
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time())
    rows = {first + timedelta(days=n): PlatformDay(first + timedelta(days=n)) for n in range(days)}

    def by_day(column, what, *where):
        day = func.date(column)
        query = select(day, what).where(*where).group_by(day)
        for value, count in db.session.execute(query):
            row = rows.get(value if isinstance(value, date) else date.fromisoformat(str(value)))
            if row is not None:
                yield row, int(count or 0)

    for row, count in by_day(Shop.created_at, func.count(), Shop.created_at >= start):
        row.new_shops = count
    for row, count in by_day(Order.created_at, func.count(), Order.created_at >= start):
        row.orders = count
    visitors = select(DailyCount.day, func.sum(DailyCount.count)).where(
        DailyCount.kind == VISITOR, DailyCount.day >= first
    )
    for day, count in db.session.execute(visitors.group_by(DailyCount.day)):
        row = rows.get(day if isinstance(day, date) else date.fromisoformat(str(day)))
        if row is not None:
            row.visitors = int(count or 0)
    shops = db.session.scalar(select(func.count()).select_from(Shop)) or 0
    return Platform(shops, sorted(rows.values(), key=lambda r: r.day, reverse=True))
