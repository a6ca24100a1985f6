"""The beacon's per-worker rate limit (shop/web/local_limits.py): the sliding-window
counter rule of Flask-Limiter's strategy, counters that expire and stay bounded."""

from __future__ import annotations

from limits import parse_many

from shop.web.local_limits import LocalLimits

PER_MINUTE = parse_many("3/minute;5/day")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_cut_at_the_limit_and_refusals_are_not_counted():
    clock = Clock(1_000_000 * 60.0)  # the start of a minute
    limits = LocalLimits(clock=clock)
    assert [limits.hit(PER_MINUTE, "a") for _ in range(3)] == [0, 0, 0]
    waits = [limits.hit(PER_MINUTE, "a") for _ in range(100)]
    assert all(0 < wait <= 60 for wait in waits)
    assert limits.hit(PER_MINUTE, "b") == 0  # another address is not held back


def test_the_last_window_still_counts_for_part_of_the_next():
    clock = Clock(1_000_000 * 60.0 + 59)
    limits = LocalLimits(clock=clock)
    for _ in range(3):
        assert limits.hit(PER_MINUTE, "a") == 0
    clock.now += 2  # a second into the next minute: 59/60 of the last three still count
    assert limits.hit(PER_MINUTE, "a") > 0
    clock.now += 45  # three quarters in: the last minute weighs 0.25 * 3
    assert limits.hit(PER_MINUTE, "a") == 0
    clock.now += 120
    assert limits.hit(PER_MINUTE, "a") == 0  # the day's fifth
    clock.now += 120
    assert limits.hit(PER_MINUTE, "a") > 0  # the day's five are spent


def test_memory_stays_bounded_under_a_flood_from_many_addresses():
    limits = LocalLimits(max_keys=100, clock=Clock(1_000_000 * 60.0))
    for n in range(10_000):
        limits.hit(PER_MINUTE, f"address {n} 🌊")
    assert len(limits._counts) == 100
