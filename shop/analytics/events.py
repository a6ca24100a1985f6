"""What the beacon reports, checked and counted: one upsert per counter it moves.

An event names its shop by the page's URL; an item or an order is counted only when
it belongs to that shop (forged events for another shop's product change nothing).
Rows are per (shop, day, item, kind) and per (shop, day, source, campaign), and a
shop has at most MAX_CAMPAIGNS campaigns a day, so no flood grows storage past that.
"""

from __future__ import annotations

import hashlib
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
VISITOR = "visitor"  # counted by the server, once per hash and day
KINDS = frozenset({SHOP_VIEW, PRODUCT_VIEW, ADD, CHECKOUT, ORDER})
VIEWS = frozenset({SHOP_VIEW, PRODUCT_VIEW})
ITEM_KINDS = frozenset({PRODUCT_VIEW, ADD})
MAX_CAMPAIGNS = 30
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


def record(shop_id: int, event: Event, address: str, user_agent: str, now: datetime) -> bool:
    """Count `event` for the visitor (address, user agent) of shop `shop_id`; False when
    it names something not the shop's. Flushes; the caller commits."""
    if event.kind not in KINDS:
        return False
    day = now.date()
    item_id = NO_ITEM
    if event.kind in ITEM_KINDS:
        item_id = _shop_item(shop_id, event.item_id)
        if item_id is None:
            return False
    order_total = None
    if event.kind == ORDER:
        order_total = _recent_order_total(shop_id, event.order_token, now)
        if order_total is None:
            return False
    source = source_of(event.referrer_host, event.utm_source)
    campaign = _campaign(shop_id, day, source, clean_campaign(event.utm_campaign))
    where = {"shop_id": shop_id, "day": day, "source": source, "campaign": campaign}

    digest = visitor_digest(salt_for(day), address, user_agent, shop_id)
    if insert_ignore(
        DailyVisitor, {"shop_id": shop_id, "day": day, "digest": digest}, _VISITOR_KEY
    ):
        _count(shop_id, day, VISITOR, NO_ITEM)
        add_to(DailySource, where, {"visitors": 1})
    if event.kind == ORDER:
        # Counted once per order, however often its page reports it.
        seen = "order:" + hashlib.blake2b(event.order_token.encode(), digest_size=16).hexdigest()
        if insert_ignore(
            DailyVisitor, {"shop_id": shop_id, "day": day, "digest": seen[:40]}, _VISITOR_KEY
        ):
            add_to(DailySource, where, {"orders": 1, "revenue_minor": order_total})
        return True
    _count(shop_id, day, event.kind, item_id)
    if event.kind in VIEWS:
        add_to(DailySource, where, {"views": 1})
    return True


_VISITOR_KEY = ["shop_id", "day", "digest"]


def _count(shop_id: int, day: date, kind: str, item_id: int) -> None:
    key = {"shop_id": shop_id, "day": day, "kind": kind, "item_id": item_id}
    add_to(DailyCount, key, {"count": 1})


def _shop_item(shop_id: int, item_id) -> int | None:
    """The item's id if the shop shows it, else None."""
    if not isinstance(item_id, int) or isinstance(item_id, bool) or not 0 < item_id < 2**31:
        return None
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
