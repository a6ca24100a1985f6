"""The figures of the merchant's analytics page, read in two statements whatever the
period: counters by day and kind, items viewed and sources; orders by day, items sold.

Orders, their value and their later statuses come from the orders themselves (the
truth, and there from the first order on); views, adds, checkouts and visitors from
the beacon's daily counters; sources and campaigns from the beacon's attribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    String,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)

from shop.analytics.days import local_date, utc_bounds
from shop.analytics.events import (
    ADD,
    CHECKOUT,
    PRODUCT_VIEW,
    SHOP_VIEW,
    VISITOR,
    WHATSAPP_AGAIN,
)
from shop.analytics.periods import Period
from shop.extensions import db
from shop.models import DailyCount, DailySource, Item, Order, OrderLine, OrderStatus
from shop.models.analytics import NO_ITEM

NO_ITEM_SQL = str(int(NO_ITEM))
PRODUCT_VIEW_SQL = f"'{PRODUCT_VIEW}'"

CONFIRMED = (OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.DELIVERED)
TOP = 10
UTC_ZONE = ZoneInfo("UTC")


@dataclass
class Day:
    day: date
    visitors: int = 0
    shop_views: int = 0
    product_views: int = 0
    adds: int = 0
    checkouts: int = 0
    orders: int = 0
    revenue: int = 0
    confirmed: int = 0
    delivered: int = 0
    cancelled: int = 0
    whatsapp_again: int = 0

    @property
    def views(self) -> int:
        return self.shop_views + self.product_views

    @property
    def conversion(self) -> float | None:
        """Orders per visitor, or None with no visitor to divide by."""
        return self.orders / self.visitors if self.visitors else None

    def add(self, other: Day) -> None:
        for name in _FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


_FIGURES = (
    "visitors", "shop_views", "product_views", "adds", "checkouts",
    "orders", "revenue", "confirmed", "delivered", "cancelled", "whatsapp_again",
)  # fmt: skip
_KIND_FIELDS = {
    VISITOR: "visitors",
    SHOP_VIEW: "shop_views",
    PRODUCT_VIEW: "product_views",
    ADD: "adds",
    CHECKOUT: "checkouts",
    WHATSAPP_AGAIN: "whatsapp_again",
}


@dataclass
class Seller:
    item_id: int | None
    name: str
    units: int = 0
    revenue: int = 0
    views: int = 0


@dataclass
class Source:
    source: str
    campaign: str
    visitors: int
    views: int
    orders: int
    revenue: int


@dataclass
class Report:
    period: Period
    days: list[Day]
    total: Day
    before: Day
    by_units: list[Seller] = field(default_factory=list)
    by_revenue: list[Seller] = field(default_factory=list)
    seen_not_bought: list[Seller] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    def funnel(self) -> list[tuple[str, int, float | None]]:
        """(step, count, share of the step before) from visitors to delivered orders."""
        steps = [
            ("visitors", self.total.visitors),
            ("product_views", self.total.product_views),
            ("adds", self.total.adds),
            ("checkouts", self.total.checkouts),
            ("orders", self.total.orders),
            ("confirmed", self.total.confirmed),
            ("delivered", self.total.delivered),
        ]
        out, previous = [], None
        for name, count in steps:
            out.append((name, count, count / previous if previous else None))
            previous = count
        return out


def build_report(shop_id: int, period: Period, zone: ZoneInfo = UTC_ZONE) -> Report:
    """Everything the page shows for `period` and the period before, in two statements:
    one over the analytics tables, one over the orders (each a UNION ALL of the
    groupings it needs), so the page stays within six with the sign-in's three.
    Days are the shop's own (`zone`): an order at 23:30 in Lima is on Lima's day."""
    before = period.before()
    days = {day: Day(day) for day in [*before.each_day(), *period.each_day()]}
    sellers: dict = {}
    report = Report(period, [], Day(period.end), Day(before.end))
    for tag, first, second, a, b, c, d, _e in _analytics_rows(shop_id, before.start, period):
        if tag == "day":
            name = _KIND_FIELDS.get(second)
            row = days.get(_as_date(first))
            if name and row is not None:
                setattr(row, name, int(a))
        elif tag == "item":
            sellers.setdefault(int(first), Seller(int(first), second)).views = int(a)
        else:
            report.sources.append(Source(first, second, int(a), int(b), int(c), int(d)))
    for tag, first, second, a, b, c, d, e in _order_rows(shop_id, before.start, period, zone):
        if tag == "day":
            row = days.get(_as_date(first))
            if row is not None:
                row.orders, row.revenue = int(a), int(b or 0)
                row.confirmed, row.delivered, row.cancelled = int(c), int(d), int(e)
        else:  # a line of an order: by item, or by name for a deleted item's
            key = int(first) if first is not None else ("deleted", second)
            seller = sellers.setdefault(key, Seller(key if first else None, second))
            seller.units += int(a)
            seller.revenue += int(b)
    report.days = [days[day] for day in period.each_day()]
    for day in report.days:
        report.total.add(day)
    for day in before.each_day():
        report.before.add(days[day])
    report.sources.sort(key=lambda s: (-s.orders, -s.visitors, s.source, s.campaign))
    _rank(list(sellers.values()), report)
    return report


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _n(column):
    return cast(column, BigInteger)


def _analytics_rows(shop_id: int, start: date, period: Period):
    """Counters by day and kind (both periods: the day totals, a few rows a day however
    many products were seen), product views by item and sources (this period):
    (tag, key, key, numbers...)."""
    zero = _n(literal(0))
    by_day = (
        select(
            literal("day"),
            cast(DailyCount.day, String),
            DailyCount.kind,
            _n(func.sum(DailyCount.count)),
            zero,
            zero,
            zero,
            zero,
        )
        # Constants written into the SQL, so both databases pick the partial indexes.
        .where(DailyCount.shop_id == shop_id, DailyCount.item_id == literal_column(NO_ITEM_SQL))
        .where(DailyCount.day.between(start, period.end))
        .group_by(DailyCount.day, DailyCount.kind)
    )
    # Summed from the index first, then named: one lookup per product, not per row.
    views = (
        select(DailyCount.item_id, func.sum(DailyCount.count).label("views"))
        .where(DailyCount.shop_id == shop_id, DailyCount.kind == literal_column(PRODUCT_VIEW_SQL))
        .where(DailyCount.day.between(period.start, period.end))
        .group_by(DailyCount.item_id)
        .subquery()
    )
    by_item = select(
        literal("item"),
        cast(views.c.item_id, String),
        Item.name,
        _n(views.c.views),
        zero,
        zero,
        zero,
        zero,
    ).join(Item, (Item.id == views.c.item_id) & (Item.shop_id == shop_id))
    by_source = (
        select(
            literal("source"),
            DailySource.source,
            DailySource.campaign,
            _n(func.sum(DailySource.visitors)),
            _n(func.sum(DailySource.views)),
            _n(func.sum(DailySource.orders)),
            _n(func.sum(DailySource.revenue_minor)),
            zero,
        )
        .where(DailySource.shop_id == shop_id)
        .where(DailySource.day.between(period.start, period.end))
        .group_by(DailySource.source, DailySource.campaign)
    )
    return db.session.execute(union_all(by_day, by_item, by_source)).all()


def _order_rows(shop_id: int, start: date, period: Period, zone: ZoneInfo):
    """Orders by day (both periods) with their value and later statuses; units and
    revenue by item this period, cancelled orders left out."""
    first, last = utc_bounds(zone, start, period.end)
    day = local_date(Order.created_at, zone, first, last)
    by_day = (
        select(
            literal("day"),
            cast(day, String),
            literal(""),
            _n(func.count()),
            _n(func.sum(Order.total_minor)),
            _n(func.sum(case((Order.status.in_(CONFIRMED), 1), else_=0))),
            _n(func.sum(case((Order.status == OrderStatus.DELIVERED, 1), else_=0))),
            _n(func.sum(case((Order.status == OrderStatus.CANCELLED, 1), else_=0))),
        )
        .where(Order.shop_id == shop_id, Order.created_at >= first, Order.created_at < last)
        .group_by(day)
    )
    zero = _n(literal(0))
    by_item = (
        select(
            literal("item"),
            cast(OrderLine.item_id, String),
            OrderLine.name,
            _n(func.sum(OrderLine.quantity)),
            _n(func.sum(OrderLine.line_total_minor)),
            zero,
            zero,
            zero,
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.shop_id == shop_id, Order.status != OrderStatus.CANCELLED)
        .where(*_between(Order.created_at, zone, period.start, period.end))
        .group_by(OrderLine.item_id, OrderLine.name)
    )
    return db.session.execute(union_all(by_day, by_item)).all()


def _between(column, zone: ZoneInfo, start: date, end: date) -> tuple:
    first, last = utc_bounds(zone, start, end)
    return column >= first, column < last


def _rank(everyone: list[Seller], report: Report) -> None:
    """Best sellers by units and by revenue, and the items viewed most that sold least."""
    sold = [s for s in everyone if s.units]
    report.by_units = sorted(sold, key=lambda s: (-s.units, s.name))[:TOP]
    report.by_revenue = sorted(sold, key=lambda s: (-s.revenue, s.name))[:TOP]
    report.seen_not_bought = sorted(
        (s for s in everyone if s.views >= 5 and s.units * 10 < s.views),
        key=lambda s: (-(s.views / (s.units + 1)), s.name),
    )[:TOP]
