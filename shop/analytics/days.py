"""A shop's days are its own: an evening sale in Lima is counted on the day it was
in Lima, not on the next UTC day. Events, orders and the page's periods all use it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func

from shop.extensions import db
from shop.lib import hours


def zone_of(shop):
    """The shop's time zone (its setting, else its WhatsApp number's country's)."""
    return hours.zone_info(hours.shop_zone(shop))


def local_day(shop, moment: datetime) -> date:
    """The shop's date at `moment` (aware, or naive UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone_of(shop)).date()


def utc_bounds(zone: ZoneInfo, start: date, end: date) -> tuple[datetime, datetime]:
    """The naive UTC instants (as orders store them) from the start of the shop's day
    `start` to the start of the day after `end`."""
    first = datetime.combine(start, time.min, tzinfo=zone).astimezone(UTC)
    last = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return first.replace(tzinfo=None), last.replace(tzinfo=None)


def local_date(column, zone: ZoneInfo, first: datetime, last: datetime):
    """SQL for the shop's date of a naive UTC timestamp `column` between `first` and
    `last` (naive UTC). PostgreSQL knows time zones; SQLite is told the zone's offset
    for each stretch of the range (a CASE with a branch per daylight-saving change)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(zone.key, func.timezone("UTC", column)))
    stretches = _offsets(zone, first, last)
    shifted = [func.date(column, f"{minutes:+d} minutes") for _until, minutes in stretches]
    if len(stretches) == 1:
        return shifted[0]
    branches = [
        (column < until, expr) for (until, _m), expr in zip(stretches, shifted, strict=True)
    ]
    return case(*branches[:-1], else_=shifted[-1])


def _offsets(zone: ZoneInfo, first: datetime, last: datetime) -> list[tuple[datetime, int]]:
    """(until, offset in minutes) for each stretch of constant offset from first to last."""

    def offset(moment: datetime) -> int:
        aware = moment.replace(tzinfo=UTC).astimezone(zone)
        return int(aware.utcoffset().total_seconds() // 60)

    out, moment, current = [], first, offset(first)
    while moment < last:
        step = min(moment + timedelta(days=1), last)
        if offset(step) != current:
            low, high = moment, step  # the change is in (low, high]: find its minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    break
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            out.append((high, current))
            current = offset(high)
            moment = high
        else:
            moment = step
    out.append((last, current))
    return out
