"""Pickup and delivery times: the slots a method offers, and a slot's place taken at
checkout race-safely.

Slots follow the shop's opening hours on its own wall clock (shop.lib.hours): a range
past midnight gives slots on both days, a time that does not exist on a spring-forward
day is skipped and one that happens twice on a fall-back day is offered once. A slot
is named by its start in UTC ("2026-03-29T08:00Z"): the shopper sends it back, and
checkout only takes a slot that the same rules offer at that moment. Places are counted
in slot_booking, one row per method and start: a conditional UPDATE takes a place only
while one is left, so two shoppers can never take the last one (two statements). No HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import format_datetime, format_time
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shop.extensions import db
from shop.lib.hours import DAY, parse_time, shop_zone, week_intervals, zone_info
from shop.models import ShippingMethod, SlotBooking
from shop.ordering.cart import OrderError
from shop.web.translating import gettext as _

MAX_SLOTS = 400  # offered at once: a week of 15-minute slots round the clock is 672
_SLOT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ")


@dataclass(frozen=True)
class Slot:
    starts: datetime  # aware, UTC
    ends: datetime

    @property
    def key(self) -> str:
        return self.starts.strftime("%Y-%m-%dT%H:%MZ")


def offers_times(method) -> bool:
    return bool(method is not None and getattr(method, "slots_on", False))


def slots(method, hours: dict | None, zone: str, now: datetime, taken: dict | None = None):
    """The slots `method` offers at `now` (aware), earliest first; `taken` (start -> places
    taken, starts naive UTC) leaves full ones out."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    tz = zone_info(zone)
    local_now = now.astimezone(tz)
    length = max(5, method.slot_minutes or 30)
    first_day = local_now.date()
    last_day = first_day + timedelta(days=max(0, method.days_ahead or 0))
    earliest = now + timedelta(minutes=max(0, method.lead_minutes or 0))
    cutoff = _cutoff(method)
    if cutoff is not None:  # "order by 18:00 for tomorrow"
        days = 1 if local_now.hour * 60 + local_now.minute < cutoff else 2
        first_day = max(first_day, local_now.date() + timedelta(days=days))
    intervals = week_intervals(hours) or [(-7 * DAY, 14 * DAY)]
    found: list[Slot] = []
    seen: set[datetime] = set()
    monday = local_now.date() - timedelta(days=local_now.weekday())
    weeks = (last_day - monday).days // 7 + 1
    for week in range(weeks + 1):
        base = datetime.combine(monday + timedelta(weeks=week), datetime.min.time())
        for start, end in intervals:
            minute = start
            while minute + length <= end:
                wall = base + timedelta(minutes=minute)
                minute += length
                if not first_day <= wall.date() <= last_day:
                    continue
                starts = _real(wall, tz)
                if starts is None or starts < earliest or starts in seen:
                    continue
                seen.add(starts)
                found.append(Slot(starts, starts + timedelta(minutes=length)))
    found.sort(key=lambda slot: slot.starts)
    capacity = method.slot_capacity or 0
    if capacity and taken:
        found = [s for s in found if taken.get(s.starts.replace(tzinfo=None), 0) < capacity]
    return found[:MAX_SLOTS]


def _real(wall: datetime, tz) -> datetime | None:
    """The wall-clock time as a UTC moment; None when the clock skips it (spring forward).
    A time that happens twice (fall back) is its first occurrence."""
    aware = wall.replace(tzinfo=tz, fold=0)
    moment = aware.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != wall:
        return None
    return moment


def _cutoff(method) -> int | None:
    text = getattr(method, "order_by", "") or ""
    if not text:
        return None
    try:
        return parse_time(text) % DAY
    except ValueError:
        return None


def choose(shop, method, raw: object, now: datetime) -> Slot | None:
    """The slot the shopper picked, if this method offers it now; None for a method
    without times. Fullness is decided by `take`, in the same transaction as the order."""
    if not offers_times(method):
        return None
    if not isinstance(raw, str) or not _SLOT.fullmatch(raw):
        raise OrderError(_("Choose a time for your order."), field="slot")
    for slot in slots(method, shop.opening_hours, shop_zone(shop), now):
        if slot.key == raw:
            return slot
    raise OrderError(_("That time is no longer available. Choose another one."), field="slot")


# Built once: they run while the order holds the shop's number (shop.ordering.order_rows).
_BOOKINGS = SlotBooking.__table__
_MAKE_SLOT = {
    name: insert(_BOOKINGS)
    .values(
        shop_id=bindparam("slot_shop_id"),
        method_id=bindparam("slot_method_id"),
        starts_at=bindparam("slot_starts_at"),
        taken=0,
    )
    .on_conflict_do_nothing(index_elements=["method_id", "starts_at"])
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_TAKE_PLACE = (
    update(_BOOKINGS)
    .where(
        _BOOKINGS.c.method_id == bindparam("slot_method_id"),
        _BOOKINGS.c.starts_at == bindparam("slot_starts_at"),
    )
    .values(taken=_BOOKINGS.c.taken + 1)
    .returning(_BOOKINGS.c.id)
)
_TAKE_PLACE_UNDER_CAPACITY = _TAKE_PLACE.where(_BOOKINGS.c.taken < bindparam("slot_capacity"))


def take(shop, method, slot: Slot) -> int:
    """Take one place of the slot, or OrderError when none is left; the booking's id.

    Two statements: the slot's row made if missing (ON CONFLICT DO NOTHING), then one
    conditional UPDATE that takes a place only while taken < capacity; the row lock
    makes concurrent checkouts wait and then see the place already gone."""
    values = {
        "slot_shop_id": shop.id,
        "slot_method_id": method.id,
        "slot_starts_at": slot.starts.replace(tzinfo=None),
        "slot_capacity": method.slot_capacity,
    }
    db.session.execute(_MAKE_SLOT[db.session.get_bind().dialect.name], values)
    statement = _TAKE_PLACE_UNDER_CAPACITY if method.slot_capacity else _TAKE_PLACE
    booking = db.session.execute(statement, values).scalar()
    if booking is None:
        raise OrderError(
            _("That time has just filled up. Choose another one; your cart is kept."),
            field="slot",
        )
    return booking


def give_back(order) -> None:
    """A cancelled order frees its place. The order keeps its booking, so reopening it
    takes the place again (take_again); the status change's compare-and-set makes each
    move run once."""
    if order.slot_booking_id is None:
        return
    table = SlotBooking.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == order.slot_booking_id, table.c.taken > 0)
        .values(taken=table.c.taken - 1)
    )


def take_again(order) -> bool:
    """A reopened order takes its time's place back, in one conditional UPDATE; False
    when the time filled up meanwhile (nothing changed). True without a time, or when
    its method is gone (the booking went with it)."""
    if order.slot_booking_id is None:
        return True
    table, methods = SlotBooking.__table__, ShippingMethod.__table__
    capacity = (
        select(methods.c.slot_capacity).where(methods.c.id == table.c.method_id).scalar_subquery()
    )
    taken = db.session.execute(
        update(table)
        .where(table.c.id == order.slot_booking_id, or_(capacity == 0, table.c.taken < capacity))
        .values(taken=table.c.taken + 1)
    ).rowcount
    return bool(taken)


def order_fields(slot: Slot | None, booking_id: int | None) -> dict:
    if slot is None:
        return {}
    return {
        "slot_at": slot.starts.replace(tzinfo=None),
        "slot_ends_at": slot.ends.replace(tzinfo=None),
        "slot_booking_id": booking_id,
    }


def slot_text(starts: datetime, ends: datetime, zone: str) -> str:
    """ "Sat 28 Mar, 13:00-13:30" (an en dash) on the shop's clock, in the current language."""
    tz = zone_info(zone)
    if starts.tzinfo is None:
        starts, ends = starts.replace(tzinfo=UTC), ends.replace(tzinfo=UTC)
    day = format_datetime(starts.astimezone(tz), "EEE d MMM", rebase=False)
    begin = format_time(starts.astimezone(tz), "HH:mm", rebase=False)
    finish = format_time(ends.astimezone(tz), "HH:mm", rebase=False)
    return f"{day}, {begin}\u2013{finish}"


def local_day(moment: datetime, zone: str) -> date:
    return moment.replace(tzinfo=UTC).astimezone(zone_info(zone)).date()
