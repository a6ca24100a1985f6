"""The period a merchant looks at, and the one before it to compare with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

CHOICES = ("today", "7", "30", "custom")
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self) -> Period:
        """As many days, ending the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


def period_from(choice: str, start: str, end: str, today: date) -> tuple[str, Period]:
    """The period asked for (the choice it fell back to, and its days): the last 7
    days unless asked otherwise; a custom range ends by today, spans at most a year."""
    if choice == "today":
        return choice, Period(today, today)
    if choice == "30":
        return choice, Period(today - timedelta(days=29), today)
    if choice == "custom":
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except (TypeError, ValueError):
            first = last = None
        if first and last:
            first, last = sorted((first, last))
            last = min(last, today)
            first = max(min(first, last), last - timedelta(days=MAX_DAYS - 1))
            return choice, Period(first, last)
    return "7", Period(today - timedelta(days=6), today)
