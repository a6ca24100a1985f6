"""The queue's own schedule: expired results removed, old job rows pruned."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from shop.extensions import db
from shop.jobs import files
from shop.jobs.kinds import periodic
from shop.jobs.running import RunningJob
from shop.models import Job, JobState, utcnow


@periodic("jobs-prune", every=timedelta(hours=1))
def prune_jobs(job: RunningJob) -> dict:
    """Remove result files past their time, and finished jobs older than JOBS_KEEP_DAYS."""
    now = utcnow()
    expired = db.session.execute(select(Job.id, Job.token).where(Job.expires_at < now)).all()
    for job_id, token in job.steps(expired, key=lambda row: f"expire:{row.id}"):
        files.remove_result(token)
        files.remove_work(job_id)
        db.session.get(Job, job_id).expires_at = None  # its report stays; its file is gone
    keep_from = now - timedelta(days=current_app.config["JOBS_KEEP_DAYS"])
    old = db.session.scalars(
        select(Job.id).where(
            Job.state.in_((JobState.DONE, JobState.FAILED)),
            Job.finished_at < keep_from,
            Job.id != job.id,
        )
    ).all()
    for job_id in old:
        files.remove_work(job_id)
    db.session.execute(delete(Job).where(Job.id.in_(old)))
    db.session.commit()
    return {"expired": len(expired), "deleted": len(old)}
