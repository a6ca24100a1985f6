"""A rate limit counted in this worker's memory, cheaply: the analytics beacon's limit
on its fast path when the limits' storage is the worker's own memory anyway (the
embedded default, RATELIMIT_STORAGE_URI=memory://), and when Redis stops answering.

Flask-Limiter's memory storage (limits' MemoryStorage) is per worker too, but it
expires counters by scanning every key from a timer thread started every 10 ms: with
tens of thousands of addresses (a flood from many, or the benchmark) that scan costs
more than the events themselves. Here: the same sliding-window-counter rule
(RATELIMIT_STRATEGY) over fixed windows, the counters in a cachetools.TTLCache, which
expires them as it is used and holds at most MAX_KEYS per window length (the least
recently used go first: memory stays bounded, and an address pushed out by a flood
from very many others starts afresh).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from cachetools import TTLCache
from limits import RateLimitItem

MAX_KEYS = 50_000  # per window length: two counters an address, ~10 MB at most


class LocalLimits:
    """Per-worker counters of several limits (see the module docstring)."""

    def __init__(self, max_keys: int = MAX_KEYS, clock=time.time) -> None:
        self.max_keys = max_keys
        self.clock = clock
        self._windows: dict[int, TTLCache] = {}
        self._lock = threading.Lock()

    def hit(self, items: Sequence[RateLimitItem], key: str) -> int:
        """Count one hit of `key` against every limit: 0 when all allow it, else the
        seconds to wait (nothing is counted then)."""
        now = self.clock()
        with self._lock:
            found = []
            for item in items:
                seconds = item.get_expiry()
                counters = self._counters(seconds)
                index = int(now // seconds)
                current = counters.get((key, index), 0)
                previous = counters.get((key, index - 1), 0)
                weight = 1 - (now % seconds) / seconds  # how much of the last window still counts
                if previous * weight + current + 1 > item.amount:
                    return max(1, int(seconds - now % seconds))
                found.append((counters, (key, index), current))
            for counters, name, current in found:
                counters[name] = current + 1
        return 0

    def _counters(self, seconds: int) -> TTLCache:
        counters = self._windows.get(seconds)
        if counters is None:
            counters = self._windows[seconds] = TTLCache(self.max_keys, ttl=2 * seconds)
        return counters
