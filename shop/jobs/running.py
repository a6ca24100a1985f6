"""Starting a job, and running one: claim it, do its steps, finish, retry or fail.

Retries are counted in the job's row, not by huey: the row is what every app server
reads, and a job re-queued by the sweep after its worker died must count that try too.
A job is claimed with one conditional UPDATE (queued -> running), so a message that
arrives twice, or a sweep that re-queues a job another worker already took, runs it once.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TypeVar

from flask import current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.jobs.kinds import KINDS, PERIODIC, JobError, JobKind
from shop.jobs.queue import enqueue
from shop.models import Job, JobState, JobStep, utcnow
from shop.web import logs

T = TypeVar("T")
logger = logging.getLogger("shop.jobs")

# Who runs jobs in this process: `flask jobs worker` names itself; anything else
# (tests draining the queue, `flask jobs run`) runs them as "inline".
_worker = {"id": f"inline:{socket.gethostname()}:{os.getpid()}"}


def worker_id() -> str:
    return _worker["id"]


def set_worker_id(value: str) -> None:
    _worker["id"] = value


class RunningJob:
    """What a kind's function gets: the job's facts, its steps and its progress."""

    def __init__(self, job: Job) -> None:
        self.id = job.id
        self.token = job.token
        self.kind = job.kind
        self.shop_id = job.shop_id
        self.user_id = job.user_id
        self.params = dict(job.params or {})
        self.locale = job.locale
        self.expires_at: datetime | None = None

    def set_total(self, total: int) -> None:
        """How many steps the whole job has, for the progress bar."""
        db.session.execute(update(Job).where(Job.id == self.id).values(total=total))
        db.session.commit()

    def steps(
        self, items: Iterable[T], key: Callable[[T], str] = str, *, batch: int = 1
    ) -> Iterator[T]:
        """Yield each item whose step is not recorded yet; record it once its body ran.

        The record and whatever the body wrote to the database commit together, so a
        worker killed mid-step redoes that step and no other. With `batch`, steps are
        recorded (and progress moves) every `batch` steps: a kill then redoes up to that
        many, so the bodies must be safe to redo, such as a file written whole under a
        fixed name. Nothing stays open while a body works: each starts on a fresh
        transaction.
        """
        finished = set(db.session.scalars(select(JobStep.key).where(JobStep.job_id == self.id)))
        db.session.commit()
        pending: list[str] = []
        for item in items:
            step = key(item)
            if step in finished:
                continue
            yield item
            pending.append(step)
            if len(pending) >= batch:
                self._record(pending)
                pending = []
        if pending:
            self._record(pending)

    def _record(self, steps: list[str]) -> None:
        db.session.add_all(JobStep(job_id=self.id, key=step) for step in steps)
        db.session.execute(update(Job).where(Job.id == self.id).values(done=Job.done + len(steps)))
        db.session.commit()

    def keep_until(self, when: datetime) -> None:
        """The job's result (a file) is kept, and downloadable, until `when`."""
        self.expires_at = when


def new_token() -> str:
    return secrets.token_urlsafe(32)


def start_job(
    kind: str,
    *,
    shop_id: int | None = None,
    user_id: int | None = None,
    params: dict | None = None,
    locale: str | None = None,
) -> Job:
    """Record a job and queue it. Commits the session: call it last.

    For a kind that runs one at a time per shop, an active one is returned instead
    (a second click on "Download" follows the first download).
    """
    spec = KINDS[kind]
    active_key = f"{kind}:{shop_id or '-'}" if spec.exclusive else None
    if active_key and (running := _active(active_key)) is not None:
        return running
    job = Job(
        token=new_token(),
        kind=kind,
        shop_id=shop_id,
        user_id=user_id,
        params=params or {},
        locale=locale or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        request_id=logs.request_id(),
        active_key=active_key,
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:  # the same job was started at the same moment elsewhere
        db.session.rollback()
        running = _active(active_key) if active_key else None
        if running is None:
            raise
        return running
    enqueue(job.id)
    return job


def _active(active_key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.active_key == active_key))


def start_periodic(name: str) -> None:
    """A schedule fired: run this period's job here, unless another worker already has.

    Every worker's scheduler fires; the unique key per period lets one of them in.
    """
    item = PERIODIC[name]
    job = Job(
        token=new_token(),
        kind=name,
        once_key=item.once_key(utcnow()),
        active_key=f"{name}:-",
        locale=current_app.config["BABEL_DEFAULT_LOCALE"],
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        logger.info("Periodic task %s: this period's run belongs to another worker", name)
        return
    run(job.id)


def run(job_id: int) -> None:
    """Run job `job_id` if it is still queued (else someone else has it, or it is over)."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(
            state=JobState.RUNNING,
            worker_id=worker_id(),
            tries=Job.tries + 1,
            started_at=utcnow(),
        )
    ).rowcount
    db.session.commit()
    if not claimed:
        return
    job = db.session.get(Job, job_id)
    spec = KINDS.get(job.kind)
    with logs.job_request(job.request_id), force_locale(job.locale):
        if spec is None:
            _give_up(job_id, JobError(f"unknown kind of job: {job.kind}", retry=False))
            return
        running = RunningJob(job)
        try:
            result = spec.run(running)
        except Exception as error:  # any failure: retried or shown, never lost
            db.session.rollback()
            _failed(job_id, spec, error)
        else:
            _finish(job_id, result, running)


def _finish(job_id: int, result: dict | None, running: RunningJob) -> None:
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            state=JobState.DONE,
            result=result,
            error=None,
            active_key=None,
            worker_id=None,
            finished_at=utcnow(),
            expires_at=running.expires_at,
        )
    )
    db.session.commit()


def _failed(job_id: int, spec: JobKind, error: Exception) -> None:
    job = db.session.get(Job, job_id)
    retry = job.tries < spec.tries and (not isinstance(error, JobError) or error.retry)
    logger.log(
        logging.WARNING if retry else logging.ERROR,
        "Job %s (%s, shop %s) failed on try %d of %d%s",
        job.id,
        job.kind,
        job.shop_id,
        job.tries,
        spec.tries,
        ", will retry" if retry else "",
        exc_info=error,
    )
    if not retry:
        _give_up(job_id, error)
        return
    job.state = JobState.QUEUED
    job.worker_id = None
    db.session.commit()
    delay = current_app.config["JOBS_RETRY_DELAY"] * 2 ** (job.tries - 1)
    enqueue(job_id, delay=delay)


def _give_up(job_id: int, error: Exception) -> None:
    """The job stops for good; its error is kept for the merchant to read."""
    job = db.session.get(Job, job_id)
    job.state = JobState.FAILED
    job.error = {
        # A JobError's message is for the merchant; anything else is a bug they
        # cannot act on, shown as a generic message with this reference.
        "message": error.message if isinstance(error, JobError) else None,
        "reference": job.request_id or job.token[:12],
    }
    job.active_key = None
    job.worker_id = None
    job.finished_at = utcnow()
    db.session.commit()
