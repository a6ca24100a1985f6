"""Work that outlives a request: each job's row, the steps it finished, the workers seen.

The row is the truth about a job, whatever the queue holds: any app server reads it to
show progress, and a worker that starts finds in it the jobs a vanished worker left
half done. Queue messages only say "look at job N".
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db
from shop.models.base import text_enum, utcnow


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(db.Model):
    """One run of a kind of work, for a shop or for the whole site (shop_id None)."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_shop_id_created_at", "shop_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # In URLs instead of the id: unguessable, so a link never hints at other jobs.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    state: Mapped[JobState] = mapped_column(
        text_enum(JobState, "job_state"), default=JobState.QUEUED, index=True
    )
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # Progress: steps finished out of the steps known so far (total 0: not known yet).
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict | None] = mapped_column(JSON)
    # {"message": an English msgid, "params": {...}}: shown in the reader's language.
    error: Mapped[dict | None] = mapped_column(JSON)
    tries: Mapped[int] = mapped_column(default=0)
    # The request that started it, so its log lines and the worker's can be joined.
    request_id: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    worker_id: Mapped[str | None] = mapped_column(String(80))
    # "<kind>:<shop id>" while queued or running for kinds that run one at a time per
    # shop, NULL otherwise: the unique index makes a second one impossible, race or not.
    active_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # Set for periodic runs ("<name>@<period start>"): one run per period, whoever asks.
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # A result file (an export) can be downloaded until then, and is removed after.
    expires_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def percent(self) -> int:
        if self.state is JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


class JobStep(db.Model):
    """A step a job finished, by its key: a retried job skips what is recorded here."""

    __tablename__ = "job_step"

    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)


class Worker(db.Model):
    """A running worker process; `seen_at` is its heartbeat (readiness, the sweep)."""

    __tablename__ = "job_worker"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
