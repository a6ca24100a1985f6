"""Jobs in one process: steps done once, progress, retries, failures, one at a time per shop."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop import jobs
from shop.extensions import db
from shop.jobs.kinds import PERIODIC, Periodic
from shop.jobs.running import run, start_periodic
from shop.jobs.workers import heartbeat, sweep
from shop.models import Job, JobState, JobStep, Worker, utcnow
from tests import factories
from tests.jobs.conftest import effects


def start(app, kind: str, **params) -> int:
    with app.test_request_context(headers={"Accept-Language": "es"}):
        user = factories.make_user()
        shop = factories.make_shop(user)
        db.session.commit()
        return jobs.start_job(kind, shop_id=shop.id, user_id=user.id, params=params).id


def job_row(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def test_a_job_runs_its_steps_and_reports(app):
    job_id = start(app, "test-count", steps=4)
    with app.app_context():
        assert jobs.drain() == 1
    job = job_row(app, job_id)
    assert (job.state, job.done, job.total, job.percent) == (JobState.DONE, 4, 4, 100)
    assert job.result == {"counted": 4}
    assert job.locale == "es"
    assert job.active_key is None
    assert job.tries == 1
    assert effects(app, job_id) == ["step-0", "step-1", "step-2", "step-3"]


def test_a_second_message_for_the_same_job_runs_nothing(app):
    job_id = start(app, "test-count", steps=2)
    with app.app_context():
        jobs.get_queue().run_task(job_id)  # a duplicate message, as a sweep may send
        assert jobs.drain() == 2
    assert effects(app, job_id) == ["step-0", "step-1"]


def test_a_retried_job_skips_the_steps_it_recorded(app):
    job_id = start(app, "test-count", steps=3)
    with app.app_context():
        # A first try that got through one step, then died (its worker vanished).
        db.session.add(JobStep(job_id=job_id, key="step-0"))
        job = db.session.get(Job, job_id)
        job.done, job.state, job.worker_id = 1, JobState.RUNNING, "gone:1:dead"
        db.session.commit()
        assert sweep() == [job_id]
        jobs.drain()
    job = job_row(app, job_id)
    assert job.state is JobState.DONE
    assert job.done == 3
    assert job.tries == 1
    assert effects(app, job_id) == ["step-1", "step-2"]


def test_the_sweep_leaves_a_live_workers_jobs_alone(app):
    job_id = start(app, "test-count", steps=1)
    with app.app_context():
        heartbeat("alive:1:beat")
        job = db.session.get(Job, job_id)
        job.state, job.worker_id = JobState.RUNNING, "alive:1:beat"
        db.session.commit()
        assert sweep() == []
        # ... until it stops beating for three beats.
        db.session.get(Worker, "alive:1:beat").seen_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        assert sweep() == [job_id]
        assert db.session.get(Worker, "alive:1:beat") is None


def test_one_job_of_a_kind_per_shop_at_a_time(app):
    with app.test_request_context():
        user = factories.make_user()
        shop = factories.make_shop(user)
        other = factories.make_shop(user, slug="otra")
        db.session.commit()
        first = jobs.start_job("test-count", shop_id=shop.id, params={"steps": 1})
        again = jobs.start_job("test-count", shop_id=shop.id, params={"steps": 1})
        elsewhere = jobs.start_job("test-count", shop_id=other.id, params={"steps": 1})
        assert again.id == first.id
        assert elsewhere.id != first.id
        jobs.drain()
        after = jobs.start_job("test-count", shop_id=shop.id, params={"steps": 1})
        assert after.id != first.id  # once finished, a new one may start


def test_a_failing_job_retries_then_stops_with_its_error(app):
    job_id = start(app, "test-fail", readable=True)
    with app.app_context():
        assert jobs.drain() == 3  # three tries, the retries queued with no delay in tests
    job = job_row(app, job_id)
    assert job.state is JobState.FAILED
    assert job.tries == 3
    assert job.active_key is None
    assert job.error == {
        "message": "The spreadsheet has no header row.",
        "reference": job.token[:12],
    }


def test_a_bug_in_a_job_is_logged_with_the_request_that_started_it(app, merchant):
    from flask import request

    from shop.web.logs import ENVIRON_REQUEST_ID, request_id

    with app.test_request_context():
        request.environ[ENVIRON_REQUEST_ID] = "req-1234567890"
        job_id = jobs.start_job("test-fail", shop_id=merchant[1], user_id=merchant[0]).id
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append((record.getMessage(), request_id()))

    keep = Keep()
    logging.getLogger("shop.jobs").addHandler(keep)
    try:
        with app.app_context():
            jobs.drain()
    finally:
        logging.getLogger("shop.jobs").removeHandler(keep)
    assert any("failed on try 3 of 3" in text and rid == "req-1234567890" for text, rid in seen)
    assert request_id() is None  # outside the job, no request id lingers
    job = job_row(app, job_id)
    assert job.error == {"message": None, "reference": "req-1234567890"}


def test_a_periodic_task_runs_once_per_period_whoever_asks(app):
    with app.app_context():
        start_periodic("test-tick")
        start_periodic("test-tick")  # a second worker's scheduler, same period
        rows = db.session.scalars(select(Job).where(Job.kind == "test-tick")).all()
        assert len(rows) == 1
        assert rows[0].state is JobState.DONE
        assert rows[0].once_key == PERIODIC["test-tick"].once_key(utcnow())
        assert effects(app, rows[0].id) == ["tick"]


def test_periods_start_at_multiples_of_their_length():
    from datetime import datetime

    hourly = Periodic("x", timedelta(hours=1))
    assert hourly.period_start(datetime(2026, 12, 5, 8, 59, 59)) == datetime(2026, 12, 5, 8)
    assert hourly.once_key(datetime(2026, 12, 5, 9, 0, 1)) == "x@2026-12-05T09:00:00"
    assert str(hourly.schedule())
    assert Periodic("y", timedelta(minutes=5)).schedule()
    with pytest.raises(ValueError, match="whole number of minutes"):
        jobs.periodic("z", every=timedelta(seconds=30))


def test_an_unknown_kind_fails_without_retrying(app):
    job_id = start(app, "test-count", steps=1)
    with app.app_context():
        db.session.get(Job, job_id).kind = "gone-kind"
        db.session.commit()
        run(job_id)
    job = job_row(app, job_id)
    assert job.state is JobState.FAILED
    assert job.tries == 1


def test_steps_recorded_in_batches_move_the_progress_per_batch(app):
    from shop.jobs.running import RunningJob

    job_id = start(app, "test-count", steps=1)
    with app.app_context():
        running = RunningJob(db.session.get(Job, job_id))
        seen = []
        for item in running.steps(range(7), key=lambda n: f"n{n}", batch=3):
            seen.append((item, db.session.get(Job, job_id).done))
            db.session.rollback()
        assert seen == [(0, 0), (1, 0), (2, 0), (3, 3), (4, 3), (5, 3), (6, 6)]
        assert db.session.get(Job, job_id).done == 7
        # Run again (a retry): nothing is left to do.
        assert list(running.steps(range(7), key=lambda n: f"n{n}", batch=3)) == []
