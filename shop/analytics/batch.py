"""Many checked events counted at once: what a flush of the beacon's buffer writes.

The numbers are exactly those of counting the events one by one (events.
count_in_database), in their order: a visitor is new on their first event of the day,
and that event's source gets the visitor; a campaign takes one of the day's
MAX_CAMPAIGNS places only when its source row gets an amount. But the writes are a
few statements for the whole batch: the visitors' hashes in one multi-row
``INSERT ... ON CONFLICT DO NOTHING RETURNING``, then one upsert per counter row
(executemany), each table in the same key order as every other writer, so concurrent
flushes on PostgreSQL wait for each other instead of deadlocking.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select, tuple_

from shop.analytics.events import MAX_CAMPAIGNS, ORDER, VISITOR, Checked, counters_of
from shop.analytics.upserts import add_many, insert_many_ignore
from shop.extensions import db
from shop.models import DailyCount, DailySource, DailyVisitor
from shop.models.analytics import NO_ITEM

SOURCE_AMOUNTS = ("visitors", "views")


def count_batch(batch: Sequence[Checked]) -> None:
    """Count every event of `batch` (no orders: those are counted one by one, with
    their once-per-order marker). The caller commits."""
    if not batch:
        return
    if any(c.kind == ORDER for c in batch):
        raise ValueError("orders are counted one by one")
    new = _new_visitors({(c.shop_id, c.day, c.digest) for c in batch})
    known = _known_campaigns({(c.shop_id, c.day) for c in batch if c.campaign})
    counts: Counter = Counter()
    sources: dict[tuple, Counter] = defaultdict(Counter)
    for c in batch:
        amounts: Counter = Counter()
        visitor = (c.shop_id, c.day, c.digest)
        if visitor in new:
            new.discard(visitor)  # new on its first event only
            counts[(c.shop_id, c.day, VISITOR, NO_ITEM)] += 1
            amounts["visitors"] = 1
        for kind, item_id in counters_of(c.kind, c.item_id):
            counts[(c.shop_id, c.day, kind, item_id)] += 1
        if c.is_view:
            amounts["views"] = 1
        if amounts:
            campaign = _campaign(known[(c.shop_id, c.day)], c.campaign)
            sources[(c.shop_id, c.day, c.source, campaign)].update(amounts)
    add_many(
        DailyCount,
        ["shop_id", "day", "kind", "item_id"],
        [(*key, {"count": n}) for key, n in sorted(counts.items())],
    )
    add_many(
        DailySource,
        ["shop_id", "day", "source", "campaign"],
        [
            (*key, {name: amounts[name] for name in SOURCE_AMOUNTS})
            for key, amounts in sorted(sources.items())
        ],
    )


def _new_visitors(visitors: Iterable[tuple[int, date, str]]) -> set[tuple[int, date, str]]:
    """Add the day's hashes not there yet; those this call added."""
    rows = [{"shop_id": s, "day": d, "digest": h} for s, d, h in sorted(visitors)]
    return insert_many_ignore(DailyVisitor, rows, ["shop_id", "day", "digest"])


def _known_campaigns(days: set[tuple[int, date]]) -> dict[tuple[int, date], set[str]]:
    """The campaigns each (shop, day) counts already (in one statement)."""
    known: dict[tuple[int, date], set[str]] = defaultdict(set)
    if not days:
        return known
    rows = db.session.execute(
        select(DailySource.shop_id, DailySource.day, DailySource.campaign)
        .where(tuple_(DailySource.shop_id, DailySource.day).in_(sorted(days)))
        .where(DailySource.campaign != "")
        .distinct()
    )
    for shop_id, day, campaign in rows:
        known[(shop_id, day)].add(campaign)
    return known


def _campaign(known: set[str], campaign: str) -> str:
    """The campaign, or "" once the day has MAX_CAMPAIGNS others (as events._campaign)."""
    if not campaign:
        return ""
    if campaign in known:
        return campaign
    if len(known) < MAX_CAMPAIGNS:
        known.add(campaign)
        return campaign
    return ""
