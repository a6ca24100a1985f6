"""Each day's visitor hashes and salt are deleted once the day is over everywhere."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from sqlalchemy import delete

from shop.extensions import db
from shop.jobs.kinds import periodic
from shop.jobs.running import RunningJob
from shop.lib import clock
from shop.models import DailySalt, DailyVisitor


def forget_past_days(today) -> int:
    """Delete the hashes and salts of days before `today`; how many hashes went."""
    gone = db.session.execute(delete(DailyVisitor).where(DailyVisitor.day < today)).rowcount
    db.session.execute(delete(DailySalt).where(DailySalt.day < today))
    return gone


def earliest_current_day(now) -> date:
    """The date somewhere on Earth now (UTC-12): every day before it is over everywhere."""
    return (now.astimezone(UTC) - timedelta(hours=12)).date()


@periodic("analytics-forget", every=timedelta(minutes=15))
def forget_yesterday(job: RunningJob) -> dict:
    """Once a day is over in every time zone, nothing is left that could link a visitor
    to it (a shop's days are its own: see shop.analytics.days)."""
    gone = forget_past_days(earliest_current_day(clock.now()))
    db.session.commit()
    return {"hashes": gone}
