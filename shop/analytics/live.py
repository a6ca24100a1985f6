"""Counting in Redis when there is one: an event is one atomic script (HINCRBY on the
(shop, day) hash, PFADD on the day's HyperLogLog of visitor hashes), and the periodic
task `analytics-fold` moves the counters into the database's daily rows.

Folding MOVES counters: a (shop, day) hash is renamed to its fold key (events that come
after start a new hash), added to the daily rows in one transaction that also writes a
marker naming that fold, and only then deleted. A fold cut short by a restart is
resumed from its fold key at the next run; the marker (in the day's visitor table,
pruned with the day) says whether its rows were already added, so nothing is counted
twice and nothing is lost.

HyperLogLog tells visitors apart in 12 KB per shop and day, whatever their number;
for a few thousand visitors it is exact in practice, beyond that within about 1%.
The day's HyperLogLog expires with its day, as the database's hashes do.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from shop.analytics import events
from shop.analytics.upserts import add_to, insert_ignore
from shop.extensions import db
from shop.jobs.kinds import periodic
from shop.jobs.running import RunningJob
from shop.models import DailyCount, DailySource, DailyVisitor

EXTENSION = "vitrina.analytics_live"
PREFIX = "vitrina:analytics:"
DIRTY = PREFIX + "dirty"  # "shop:day" of every hash with counters to fold
FOLDING = PREFIX + "folding"  # "shop:day" of every fold key not yet deleted
KEEP_SECONDS = 2 * 24 * 3600  # a day's visitors and campaigns outlive the day, not more
SEP = "\t"  # campaigns are whitespace-normalised: a tab never occurs in one

# KEYS: counts hash, visitors HLL, campaigns set, dirty set, order marker
# ARGV: member, digest, count field, source, campaign, is view, order total,
#       max campaigns, seconds to keep
_COUNT = """
local campaign = ARGV[5]
if campaign ~= '' and redis.call('SISMEMBER', KEYS[3], campaign) == 0 then
  if redis.call('SCARD', KEYS[3]) < tonumber(ARGV[8]) then
    redis.call('SADD', KEYS[3], campaign)
    redis.call('EXPIRE', KEYS[3], ARGV[9])
  else
    campaign = ''
  end
end
local src = 's\t' .. ARGV[4] .. '\t' .. campaign .. '\t'
if redis.call('PFADD', KEYS[2], ARGV[2]) == 1 then
  redis.call('EXPIRE', KEYS[2], ARGV[9])
  redis.call('HINCRBY', KEYS[1], 'c\tvisitor\t0', 1)
  redis.call('HINCRBY', KEYS[1], src .. 'visitors', 1)
end
if ARGV[7] ~= '' then
  if redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[9]) then
    redis.call('HINCRBY', KEYS[1], src .. 'orders', 1)
    redis.call('HINCRBY', KEYS[1], src .. 'revenue_minor', ARGV[7])
  end
else
  redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
  if ARGV[6] == '1' then redis.call('HINCRBY', KEYS[1], src .. 'views', 1) end
end
redis.call('SADD', KEYS[4], ARGV[1])
return 1
"""

# KEYS: counts hash, fold key, dirty set, folding set; ARGV: member, fold id
# A fold key still there is resumed first (0): renaming over it would lose it.
_TAKE = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[2], '_id', ARGV[2])
redis.call('SADD', KEYS[4], ARGV[1])
return 1
"""


def _counts_key(member: str) -> str:
    return f"{PREFIX}counts:{member}"


def _fold_key(member: str) -> str:
    return f"{PREFIX}fold:{member}"


class LiveCounts:
    """The Redis counters of every shop (one client per app, made on first use)."""

    def __init__(self, url: str) -> None:
        import redis  # only needed when Redis is configured

        self.errors = redis.RedisError
        self.client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True
        )
        self._count = self.client.register_script(_COUNT)
        self._take = self.client.register_script(_TAKE)

    def count(self, c: events.Checked) -> bool:
        """Move the event's counters; False if Redis did not answer (the caller then
        counts in the database, so an outage loses nothing)."""
        try:
            self._call(c, self.client)
        except self.errors:
            return False
        return True

    def count_many(self, batch: list[events.Checked]) -> bool:
        """Move every event's counters in one round trip (a MULTI/EXEC of the script
        per event: all of them or none); False if Redis did not answer."""
        try:
            with self.client.pipeline(transaction=True) as pipe:
                for c in batch:
                    self._call(c, pipe)
                pipe.execute()
        except self.errors:
            return False
        return True

    def _call(self, c: events.Checked, client) -> None:
        member = f"{c.shop_id}:{c.day.isoformat()}"
        where = f"{PREFIX}{member}"
        field = SEP.join(("c", c.kind, str(c.item_id)))
        order = f"{PREFIX}seen:{c.shop_id}:{c.order_seen}" if c.order_seen else f"{where}:none"
        self._count(
            keys=[_counts_key(member), f"{where}:visitors", f"{where}:campaigns", DIRTY, order],
            args=[
                member, c.digest, field, c.source, c.campaign, int(c.is_view),
                "" if c.order_total is None else c.order_total,
                events.MAX_CAMPAIGNS, KEEP_SECONDS,
            ],
            client=client,
        )  # fmt: skip

    def fold(self) -> int:
        """Move every counter into the daily rows; how many (shop, day) hashes went."""
        folded = 0
        for member in sorted(self.client.smembers(FOLDING)):
            folded += self._fold_one(member)
        for member in sorted(self.client.smembers(DIRTY)):
            taken = self._take(
                keys=[_counts_key(member), _fold_key(member), DIRTY, FOLDING],
                args=[member, uuid.uuid4().hex],
            )
            if taken or self.client.exists(_fold_key(member)):
                folded += self._fold_one(member)
        return folded

    def _fold_one(self, member: str) -> int:
        """Add one fold key's counters to the rows, once, then delete it; 1 if added now."""
        key = _fold_key(member)
        counters = self.client.hgetall(key)
        added = False
        if counters:
            fold_id = counters.pop("_id", None) or uuid.uuid4().hex
            shop_id, day = member.split(":", 1)
            try:
                added = add_rows(int(shop_id), date.fromisoformat(day), fold_id, counters)
            except IntegrityError:  # the shop was deleted since: its counters go with it
                db.session.rollback()
        self.client.delete(key)
        self.client.srem(FOLDING, member)
        return int(added)


def add_rows(shop_id: int, day: date, fold_id: str, counters: dict[str, str]) -> bool:
    """Add a fold's counters to the day's rows and commit, unless the fold's marker says
    it was added before (a fold resumed after a crash between commit and delete)."""
    marker = {"shop_id": shop_id, "day": day, "digest": f"fold:{fold_id}"[:40]}
    if not insert_ignore(DailyVisitor, marker, ["shop_id", "day", "digest"]):
        db.session.rollback()
        return False
    sources: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    counts: Counter = Counter()
    for field, value in counters.items():
        parts = field.split(SEP)
        if parts[0] == "c" and len(parts) == 3:
            for kind, item_id in events.counters_of(parts[1], int(parts[2])):
                counts[(kind, item_id)] += int(value)
        elif parts[0] == "s" and len(parts) == 4:
            sources[(parts[1], parts[2])][parts[3]] = int(value)
    for (kind, item_id), count in sorted(counts.items()):  # every writer's row order
        key = {"shop_id": shop_id, "day": day, "kind": kind, "item_id": item_id}
        add_to(DailyCount, key, {"count": count})
    for (source, campaign), amounts in sources.items():
        where = {"shop_id": shop_id, "day": day, "source": source, "campaign": campaign}
        add_to(DailySource, where, amounts)
    db.session.commit()
    return True


def live_counts(app: Flask | None = None) -> LiveCounts | None:
    """The app's Redis counters, or None when ANALYTICS_REDIS_URL is unset."""
    app = app or current_app
    url = app.config.get("ANALYTICS_REDIS_URL")
    if not url:
        return None
    live = app.extensions.get(EXTENSION)
    if live is None:
        live = app.extensions[EXTENSION] = LiveCounts(url)
    return live


@periodic("analytics-fold", every=timedelta(minutes=1))
def fold_counters(job: RunningJob) -> dict:
    """Every minute, the Redis counters move into the daily rows the page reads."""
    live = live_counts()
    return {"folded": live.fold() if live is not None else 0}
