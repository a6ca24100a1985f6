"""A rate limit counted in this worker's memory, cheaply: the analytics beacon's limit
on its fast path (limits.beacon_wait says why not in the shared storage).

Flask-Limiter's memory storage (limits' MemoryStorage) is per worker too, but it
expires counters by scanning every key from a timer thread started every 10 ms: with
tens of thousands of addresses (a flood from many, or the benchmark) that scan costs
more than the events themselves. Here: the same sliding-window-counter rule
(RATELIMIT_STRATEGY) over fixed windows, the counters in a cachetools.TTLCache, which
expires them as it is used and holds at most MAX_KEYS addresses (the least
recently used go first: memory stays bounded, and an address pushed out by a flood
from very many others starts afresh).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from cachetools import TTLCache
from limits import RateLimitItem

MAX_KEYS = 100_000  # addresses, a few counters each: ~25 MB at most


class LocalLimits:
    """Per-worker counters of several limits (see the module docstring)."""

    def __init__(self, max_keys: int = MAX_KEYS, clock=time.time) -> None:
        self.max_keys = max_keys
        self.clock = clock
        self._counts: TTLCache | None = None  # key -> ((window index, count, last count), ...)
        self._lock = threading.Lock()

    def hit(self, items: Sequence[RateLimitItem], key: str) -> int:
        """Count one hit of `key` against every limit: 0 when all allow it, else the
        seconds to wait (nothing is counted then)."""
        now = self.clock()
        with self._lock:
            counts = self._counts
            if counts is None:
                longest = max(item.get_expiry() for item in items)
                counts = self._counts = TTLCache(self.max_keys, ttl=2 * longest)
            kept = counts.get(key) or ((0, 0, 0),) * len(items)
            updated = []
            for item, (index, count, last) in zip(items, kept, strict=False):
                seconds = item.get_expiry()
                now_index = int(now // seconds)
                if now_index != index:  # a new window: the one before is the last
                    count, last = 0, (count if now_index == index + 1 else 0)
                weight = 1 - (now % seconds) / seconds  # how much of the last still counts
                if last * weight + count + 1 > item.amount:
                    return max(1, int(seconds - now % seconds))
                updated.append((now_index, count + 1, last))
            counts[key] = tuple(updated)
        return 0
