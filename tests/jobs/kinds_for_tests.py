"""Kinds of job the tests run, loaded through JOB_MODULES by the test apps and workers.

Each step writes one row to ``test_effect`` in the same transaction as its record, so a
step done twice shows up as two rows: the table has no unique key on purpose.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import text

from shop.extensions import db
from shop.jobs import JobError, RunningJob, job_kind, periodic

EFFECTS_DDL = (
    "CREATE TABLE IF NOT EXISTS test_effect "
    "(job_id INTEGER NOT NULL, step VARCHAR(50) NOT NULL, worker VARCHAR(100) NOT NULL)"
)


def record_effect(job_id: int, step: str) -> None:
    from shop.jobs.running import worker_id

    db.session.execute(
        text("INSERT INTO test_effect (job_id, step, worker) VALUES (:job, :step, :worker)"),
        {"job": job_id, "step": step, "worker": worker_id()},
    )


@job_kind("test-count", exclusive=True)
def count(job: RunningJob) -> dict:
    """params: steps (how many), delay (seconds each)."""
    steps = [f"step-{n}" for n in range(job.params.get("steps", 3))]
    job.set_total(len(steps))
    for step in job.steps(steps):
        time.sleep(job.params.get("delay", 0))
        record_effect(job.id, step)
    return {"counted": len(steps)}


@job_kind("test-fail", tries=3)
def fail(job: RunningJob) -> None:
    if job.params.get("readable"):
        raise JobError("The spreadsheet has no header row.")
    raise RuntimeError("boom: a bug the merchant cannot act on")


@periodic("test-tick", every=timedelta(minutes=1))
def tick(job: RunningJob) -> None:
    for step in job.steps(["tick"]):
        record_effect(job.id, step)
