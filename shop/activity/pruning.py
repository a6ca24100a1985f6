"""The activity log is kept ACTIVITY_KEEP_DAYS, then pruned by a periodic task.

Only rows without an order go: an order's rows are its history, shown on its page to
the merchant and to the shopper, and leave with the order itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from shop.extensions import db
from shop.jobs.kinds import periodic
from shop.jobs.running import RunningJob
from shop.models import Activity, utcnow

BATCH = 5_000  # rows per DELETE: a year's backlog never holds one long lock


def prune_activity(keep_days: int, now: datetime | None = None) -> int:
    """Delete rows without an order older than `keep_days`; how many went. Commits per
    batch, so a large backlog is worked off without one long transaction."""
    keep_from = (now or utcnow()) - timedelta(days=keep_days)
    gone = 0
    while True:
        ids = db.session.scalars(
            select(Activity.id)
            .where(Activity.changed_at < keep_from, Activity.order_id.is_(None))
            .order_by(Activity.changed_at)
            .limit(BATCH)
        ).all()
        if not ids:
            return gone
        db.session.execute(delete(Activity).where(Activity.id.in_(ids)))
        db.session.commit()
        gone += len(ids)


@periodic("activity-prune", every=timedelta(hours=6))
def prune_old_activity(job: RunningJob) -> dict:
    """The schedule: the shop's activity older than ACTIVITY_KEEP_DAYS is deleted."""
    return {"deleted": prune_activity(current_app.config["ACTIVITY_KEEP_DAYS"])}
