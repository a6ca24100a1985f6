"""Reading a shop's activity: filtered by person, kind and dates, newest first, a page
at a time by keyset (rows before the last id shown), so page 200 costs what page 1 does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.lib.hours import shop_zone, zone_info
from shop.models import Activity, ActivityKind, Membership, Shop, User

PAGE_SIZE = 50
ID_MAX = 2**31 - 1


@dataclass(frozen=True)
class Filters:
    """What the owner asked to see; None = any. Dates are the shop's own days."""

    person: int | None = None
    kind: ActivityKind | None = None
    since: date | None = None
    until: date | None = None
    before: int | None = None  # the keyset: rows older than this id


def parse_filters(args: Mapping[str, str]) -> Filters:
    """The page's query string as filters; anything malformed is ignored, never an error
    (a shared or hand-edited link still opens)."""
    return Filters(
        person=_whole(args.get("person")),
        kind=_kind(args.get("kind")),
        since=_date(args.get("since")),
        until=_date(args.get("until")),
        before=_whole(args.get("before")),
    )


def activity_page(shop: Shop, filters: Filters) -> tuple[list[Activity], int | None]:
    """One page of `shop`'s activity, newest first, and the cursor of the next (None:
    this is the last page)."""
    query = select(Activity).where(Activity.shop_id == shop.id)
    if filters.person is not None:
        query = query.where(Activity.changed_by_id == filters.person)
    if filters.kind is not None:
        query = query.where(Activity.kind == filters.kind)
    zone = zone_info(shop_zone(shop))
    if filters.since is not None:
        query = query.where(Activity.changed_at >= _utc(filters.since, zone))
    if filters.until is not None:
        query = query.where(Activity.changed_at < _utc(filters.until + timedelta(days=1), zone))
    if filters.before is not None:
        query = query.where(Activity.id < filters.before)
    rows = db.session.scalars(
        query.options(selectinload(Activity.changed_by))
        .order_by(Activity.id.desc())
        .limit(PAGE_SIZE + 1)
    ).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, rows[-1].id if more else None


def people(shop: Shop) -> list[User]:
    """Whom the filter offers: the team now, and anyone who left a row behind."""
    in_log = select(Activity.changed_by_id).where(Activity.shop_id == shop.id).distinct()
    members = select(Membership.user_id).where(Membership.shop_id == shop.id)
    return list(
        db.session.scalars(
            select(User).where(or_(User.id.in_(members), User.id.in_(in_log))).order_by(User.id)
        )
    )


def _utc(day: date, zone) -> datetime:
    """The start of the shop's `day`, as the naive UTC the table stores."""
    local = datetime.combine(day, time(), tzinfo=zone)
    return local.astimezone(zone_info("UTC")).replace(tzinfo=None)


def _whole(text: str | None) -> int | None:
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= ID_MAX else None


def _kind(text: str | None) -> ActivityKind | None:
    try:
        return ActivityKind((text or "").strip())
    except ValueError:
        return None


def _date(text: str | None) -> date | None:
    try:
        day = date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None
    return day if date(2000, 1, 1) <= day <= date(9998, 12, 31) else None
