"""Workers seen alive, and the sweep that gives a vanished worker's jobs to the living.

A worker writes its heartbeat every JOBS_HEARTBEAT_SECONDS. One not heard from for three
beats is taken for dead (killed, its machine gone): the jobs it was running go back to
the queue, where their recorded steps let them resume. The queue alone cannot do this:
a message taken by a killed worker is gone.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from shop.extensions import db
from shop.jobs.queue import enqueue
from shop.models import Job, JobState, Worker, utcnow

logger = logging.getLogger("shop.jobs")
MISSED_BEATS = 3


def stale_after() -> timedelta:
    return timedelta(seconds=current_app.config["JOBS_HEARTBEAT_SECONDS"] * MISSED_BEATS)


def heartbeat(worker_id: str) -> None:
    """Say this worker is alive (and register it the first time)."""
    now = utcnow()
    seen = db.session.execute(
        update(Worker).where(Worker.id == worker_id).values(seen_at=now)
    ).rowcount
    if not seen:
        db.session.add(
            Worker(
                id=worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                seen_at=now,
            )
        )
    db.session.commit()


def forget(worker_id: str) -> None:
    """A worker stopping cleanly leaves no trace (its jobs were finished or re-queued)."""
    db.session.execute(delete(Worker).where(Worker.id == worker_id))
    db.session.commit()


def last_seen() -> datetime | None:
    """When any worker last said it was alive (None: never, or all stopped cleanly)."""
    return db.session.scalar(select(Worker.seen_at).order_by(Worker.seen_at.desc()).limit(1))


def sweep(*, requeue_waiting: bool = False) -> list[int]:
    """Re-queue the jobs of workers that stopped beating; returns their ids.

    With `requeue_waiting` (at a worker's start), queued jobs older than the stale time
    are queued again too, in case their message was lost: a job runs once whatever
    number of messages name it.
    """
    limit = utcnow() - stale_after()
    alive = select(Worker.id).where(Worker.seen_at >= limit)
    orphans = db.session.execute(
        select(Job.id, Job.worker_id).where(
            Job.state == JobState.RUNNING,
            or_(Job.worker_id.is_(None), Job.worker_id.not_in(alive)),
        )
    ).all()
    requeued = []
    for job_id, dead in orphans:
        taken = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.RUNNING, Job.worker_id == dead)
            .values(state=JobState.QUEUED, worker_id=None)
        ).rowcount
        if taken:
            requeued.append(job_id)
            logger.warning("Job %s: its worker %s vanished; queued again", job_id, dead)
    db.session.execute(delete(Worker).where(Worker.seen_at < limit))
    db.session.commit()
    if requeue_waiting:
        waiting = db.session.scalars(
            select(Job.id).where(Job.state == JobState.QUEUED, Job.created_at < limit)
        ).all()
        requeued += [job_id for job_id in waiting if job_id not in requeued]
    for job_id in requeued:
        enqueue(job_id)
    return requeued
