"""Each day's visitor hashes and salt are deleted once the day is over."""

from __future__ import annotations

from datetime import timedelta

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


@periodic("analytics-forget", every=timedelta(minutes=15))
def forget_yesterday(job: RunningJob) -> dict:
    """Soon after midnight (UTC) nothing is left that could link a visitor to a day before."""
    gone = forget_past_days(clock.now().date())
    db.session.commit()
    return {"hashes": gone}
