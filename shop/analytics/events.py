"""What the beacon reports, checked and counted: one upsert per counter it moves.

An event names its shop by the page's URL; an item or an order is counted only when
it belongs to that shop (forged events for another shop's product change nothing).
Rows are per (shop, day, item, kind) and per (shop, day, source, campaign), and a
shop has at most MAX_CAMPAIGNS campaigns a day, so no flood grows storage past that.
An item's counter also moves its kind's day total (the row of item NO_ITEM), so the
analytics page reads a day's figures from a handful of rows, not one per product seen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from shop.analytics.sources import clean_campaign, source_of
from shop.analytics.upserts import add_to, insert_ignore
from shop.analytics.visitors import salt_for, visitor_digest
from shop.extensions import db
from shop.models import Availability, DailyCount, DailySource, DailyVisitor, Item, Order
from shop.models.analytics import NO_ITEM

SHOP_VIEW = "shop_view"
PRODUCT_VIEW = "product_view"
ADD = "add"
CHECKOUT = "checkout"
ORDER = "order"  # the beacon's report of an order just placed: for its source only
WHATSAPP_AGAIN = "whatsapp_again"  # "Open WhatsApp" tapped again on an order's page
VISITOR = "visitor"  # counted by the server, once per hash and day
KINDS = frozenset({SHOP_VIEW, PRODUCT_VIEW, ADD, CHECKOUT, ORDER, WHATSAPP_AGAIN})
VIEWS = frozenset({SHOP_VIEW, PRODUCT_VIEW})
ITEM_KINDS = frozenset({PRODUCT_VIEW, ADD})
MAX_CAMPAIGNS = 30
# An event's text fields and their longest accepted length.
TEXT_FIELDS = {"r": 253, "s": 60, "c": 200, "o": 43}
# An order is attributed by the page that placed it, soon after: an old token is no news.
ORDER_WINDOW = timedelta(hours=2)


@dataclass(frozen=True)
class Event:
    kind: str
    item_id: int | None = None
    referrer_host: str = ""
    utm_source: str = ""
    utm_campaign: str = ""
    order_token: str = ""


@dataclass(frozen=True)
class Checked:
    """An event checked against its shop: the counters it moves, on the shop's day."""

    shop_id: int
    day: date
    kind: str
    item_id: int
    source: str
    campaign: str  # as the link said; capped at MAX_CAMPAIGNS where it is counted
    digest: str  # the visitor's hash for the day
    order_total: int | None = None  # ORDER: the order's value
    order_seen: str = ""  # ORDER: a name for the order, to count it once

    @property
    def is_view(self) -> bool:
        return self.kind in VIEWS


def read_event(text: str) -> Event | None:
    """The event a beacon's body holds, or None for anything that is not a small
    object of known fields (malformed, too deep, unknown kind, overlong texts)."""
    try:
        data = json.loads(text or "null")
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        return None
    texts = {}
    for name, length in TEXT_FIELDS.items():
        value = data.get(name, "")
        if not isinstance(value, str) or len(value) > length:
            return None
        texts[name] = value
    return Event(
        kind=data["k"],
        item_id=data.get("i"),
        referrer_host=texts["r"],
        utm_source=texts["s"],
        utm_campaign=texts["c"],
        order_token=texts["o"],
    )


def record(
    shop_id: int,
    event: Event,
    address: str,
    user_agent: str,
    now: datetime,
    *,
    day: date | None = None,
    live=None,
) -> bool:
    """Count `event` for the visitor (address, user agent) of shop `shop_id` on `day`
    (the shop's own day; `now`'s date by default); False when it names something not
    the shop's. With `live` (shop.analytics.live.LiveCounts) the counters move in
    Redis; else in the database (flushed; the caller commits)."""
    checked = check(shop_id, event, address, user_agent, now, day or now.date())
    if checked is None:
        return False
    if live is None or not live.count(checked):
        count_in_database(checked)
    return True


def check(
    shop_id: int,
    event: Event,
    address: str,
    user_agent: str,
    now: datetime,
    day: date,
    *,
    shown: Container[int] | None = None,
) -> Checked | None:
    """The event's counters, or None when it names an item or order not the shop's.
    `shown`, when given, holds the ids of the items the shop shows (read once per
    catalog version by the beacon's fast path) instead of a query per event."""
    if event.kind not in KINDS:
        return None
    item_id = NO_ITEM
    if event.kind in ITEM_KINDS:
        item_id = _shop_item(shop_id, event.item_id, shown)
        if item_id is None:
            return None
    order_total, order_seen = None, ""
    if event.kind == ORDER:
        order_total = _recent_order_total(shop_id, event.order_token, now)
        if order_total is None:
            return None
        order_seen = "order:" + _short_hash(event.order_token)
    if event.kind == WHATSAPP_AGAIN and not _is_shop_order(shop_id, event.order_token):
        return None
    return Checked(
        shop_id=shop_id,
        day=day,
        kind=event.kind,
        item_id=item_id,
        source=source_of(event.referrer_host, event.utm_source),
        campaign=clean_campaign(event.utm_campaign),
        digest=visitor_digest(salt_for(day), address, user_agent, shop_id),
        order_total=order_total,
        order_seen=order_seen,
    )


def count_in_database(c: Checked) -> None:
    """One upsert per counter the event moves (the embedded default, and Redis's fallback).

    Rows are locked in one order by every writer (the visitor's own row, the day's
    counters sorted by kind, then one source row with all its amounts), so concurrent
    events on PostgreSQL wait for each other instead of deadlocking.
    """
    campaign = _campaign(c.shop_id, c.day, c.source, c.campaign)
    where = {"shop_id": c.shop_id, "day": c.day, "source": c.source, "campaign": campaign}
    amounts: dict[str, int] = {}
    counters: list[tuple[str, int]] = []
    if insert_ignore(
        DailyVisitor, {"shop_id": c.shop_id, "day": c.day, "digest": c.digest}, _VISITOR_KEY
    ):
        counters.append((VISITOR, NO_ITEM))
        amounts["visitors"] = 1
    if c.kind == ORDER:
        # Counted once per order, however often its page reports it.
        if insert_ignore(
            DailyVisitor,
            {"shop_id": c.shop_id, "day": c.day, "digest": c.order_seen[:40]},
            _VISITOR_KEY,
        ):
            amounts |= {"orders": 1, "revenue_minor": c.order_total}
    else:
        counters.extend(counters_of(c.kind, c.item_id))
        if c.is_view:
            amounts["views"] = 1
    for kind, item_id in sorted(counters):
        _count(c.shop_id, c.day, kind, item_id)
    if amounts:
        add_to(DailySource, where, amounts)


_VISITOR_KEY = ["shop_id", "day", "digest"]


def counters_of(kind: str, item_id: int) -> tuple[tuple[str, int], ...]:
    """The (kind, item) rows one event moves: its own and, for an item, the kind's day
    total. Every writer (one by one, a buffer's batch, a Redis fold) counts through
    this, so the totals are the sum of the items' rows by construction."""
    if item_id == NO_ITEM:
        return ((kind, NO_ITEM),)
    return ((kind, item_id), (kind, NO_ITEM))


def _short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _count(shop_id: int, day: date, kind: str, item_id: int) -> None:
    key = {"shop_id": shop_id, "day": day, "kind": kind, "item_id": item_id}
    add_to(DailyCount, key, {"count": 1})


def _shop_item(shop_id: int, item_id, shown: Container[int] | None = None) -> int | None:
    """The item's id if the shop shows it, else None."""
    if not isinstance(item_id, int) or isinstance(item_id, bool) or not 0 < item_id < 2**31:
        return None
    if shown is not None:
        return item_id if item_id in shown else None
    return db.session.scalar(
        select(Item.id).where(
            Item.id == item_id,
            Item.shop_id == shop_id,
            Item.availability != Availability.HIDDEN,
        )
    )


def _recent_order_total(shop_id: int, token: str, now: datetime) -> int | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 43:
        return None
    return db.session.scalar(
        select(Order.total_minor).where(
            Order.token == token,
            Order.shop_id == shop_id,
            Order.created_at >= now - ORDER_WINDOW,
        )
    )


def _is_shop_order(shop_id: int, token: str) -> bool:
    if not isinstance(token, str) or not 20 <= len(token) <= 43:
        return False
    found = db.session.scalar(
        select(Order.id).where(Order.token == token, Order.shop_id == shop_id)
    )
    return found is not None


def _campaign(shop_id: int, day: date, source: str, campaign: str) -> str:
    """The campaign, or "" once the shop has MAX_CAMPAIGNS others that day."""
    if not campaign:
        return ""
    known = set(
        db.session.scalars(
            select(DailySource.campaign)
            .where(DailySource.shop_id == shop_id, DailySource.day == day)
            .where(DailySource.campaign != "")
            .distinct()
            .limit(MAX_CAMPAIGNS + 1)
        )
    )
    if campaign in known or len(known) < MAX_CAMPAIGNS:
        return campaign
    return ""
