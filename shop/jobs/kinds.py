"""What the queue can run: kinds of job and periodic tasks, registered by the rooms that own them.

A room declares its work where the work lives (``@job_kind("shop-export")`` beside the
export), so the queue knows nothing of exports or e-mail. Registration happens at import;
the app imports every room that declares work (shop/app.py) before the queue is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from huey import crontab


class JobError(Exception):
    """A failure with a message for the merchant, already in their language.

    ``retry=False`` for failures that another try cannot fix (the shop is gone).
    """

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable  # run(job: RunningJob) -> dict | None, the job's result
    tries: int = 3
    # One at a time per shop: a second start returns the running one.
    exclusive: bool = False


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta

    def schedule(self):
        """The crontab that fires at the start of each period (huey's granularity: a minute)."""
        minutes = int(self.every.total_seconds() // 60)
        if minutes < 60:
            return crontab(minute=f"*/{minutes}")
        if minutes < 24 * 60:
            return crontab(minute="0", hour=f"*/{minutes // 60}")
        return crontab(minute="0", hour="3")

    def period_start(self, now: datetime) -> datetime:
        """The start of the period `now` falls in, counted from the epoch in UTC."""
        seconds = int(self.every.total_seconds())
        stamp = int(now.replace(tzinfo=now.tzinfo or UTC).timestamp())
        return datetime.fromtimestamp(stamp - stamp % seconds, UTC).replace(tzinfo=None)

    def once_key(self, now: datetime) -> str:
        return f"{self.name}@{self.period_start(now).isoformat()}"


KINDS: dict[str, JobKind] = {}
PERIODIC: dict[str, Periodic] = {}


def job_kind(name: str, *, tries: int = 3, exclusive: bool = False) -> Callable:
    """Register the decorated function as the kind of job called `name`."""

    def register(run: Callable) -> Callable:
        KINDS[name] = JobKind(name, run, tries=tries, exclusive=exclusive)
        return run

    return register


def periodic(name: str, *, every: timedelta, tries: int = 3) -> Callable:
    """Register the decorated function to run once per `every`, across all workers.

    `every` is whole minutes, at least one; periods start at multiples of it since
    the epoch (every hour: on the hour).
    """
    if every < timedelta(minutes=1) or every.total_seconds() % 60:
        raise ValueError("a periodic task runs every whole number of minutes")

    def register(run: Callable) -> Callable:
        KINDS[name] = JobKind(name, run, tries=tries, exclusive=True)
        PERIODIC[name] = Periodic(name, every)
        return run

    return register
