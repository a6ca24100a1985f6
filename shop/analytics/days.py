"""A shop's days are its own: an evening sale in Lima is counted on the day it was
in Lima, not on the next UTC day. Events, orders and the page's periods all use it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from shop.lib import hours


def zone_of(shop):
    """The shop's time zone (its setting, else its WhatsApp number's country's)."""
    return hours.zone_info(hours.shop_zone(shop))


def local_day(shop, moment: datetime) -> date:
    """The shop's date at `moment` (aware, or naive UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone_of(shop)).date()


def utc_bounds(shop, start: date, end: date) -> tuple[datetime, datetime]:
    """The naive UTC instants (as orders store them) from the start of the shop's day
    `start` to the start of the day after `end`."""
    zone = zone_of(shop)
    first = datetime.combine(start, time.min, tzinfo=zone).astimezone(UTC)
    last = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return first.replace(tzinfo=None), last.replace(tzinfo=None)
