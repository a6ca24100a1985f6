"""Real worker processes: progress another app server reads, a worker killed mid-job,
and two workers sharing one schedule. On the test database (SQLite, or PostgreSQL with
TEST_DATABASE_URL), with huey on SQLite and on Redis."""

from __future__ import annotations

import signal

import pytest
from sqlalchemy import select

from shop import create_app, jobs
from shop.extensions import db
from shop.models import Job, JobState
from tests import factories
from tests.conftest import VitrinaClient
from tests.jobs.conftest import effects, wait_for


def start_counting(app, steps: int, delay: float) -> tuple[int, str, int]:
    with app.test_request_context():
        user = factories.make_user()
        shop = factories.make_shop(user)
        db.session.commit()
        job = jobs.start_job(
            "test-count", shop_id=shop.id, user_id=user.id, params={"steps": steps, "delay": delay}
        )
        return job.id, job.token, user.id


def read(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        db.session.rollback()
        return job


def test_progress_written_by_a_worker_is_read_by_another_app_server(app, workers, sign_in_as):
    _job_id, token, user_id = start_counting(app, steps=5, delay=0.3)
    other = create_app({**app.config})  # a second app server on the same database
    other.test_client_class = VitrinaClient
    client = other.test_client()
    sign_in_as(client, user_id)
    workers.start()
    seen = []

    def finished():
        state = client.get(f"/dashboard/jobs/{token}/progress").get_json()
        seen.append((state["done"], state["state"]))
        return state["state"] == "done"

    wait_for(finished, what="the job to finish")
    dones = [done for done, _ in seen]
    assert dones == sorted(dones), "progress never goes back"
    assert {done for done, state in seen if state == "running"} & {1, 2, 3, 4}
    assert seen[-1] == (5, "done")
    page = client.get(f"/dashboard/jobs/{token}", headers={"Accept-Language": "en"})
    assert "Done" in page.get_data(as_text=True)
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_a_worker_killed_mid_job_is_replaced_and_every_step_is_done_once(
    app, workers, queue, request
):
    if queue == "redis":
        request.getfixturevalue("redis_queue")
    job_id, _token, _user = start_counting(app, steps=8, delay=0.25)
    first = workers.start()
    wait_for(lambda: read(app, job_id).done >= 3, what="three steps")
    first.send_signal(signal.SIGKILL)
    first.wait()
    stopped_at = read(app, job_id)
    assert stopped_at.state is JobState.RUNNING
    assert stopped_at.done < 8

    workers.start()  # its sweep finds the dead worker's job once three beats are missed
    wait_for(lambda: read(app, job_id).state is JobState.DONE, what="the job to finish")
    job = read(app, job_id)
    assert job.done == 8
    assert job.tries == 2
    assert effects(app, job_id) == [f"step-{n}" for n in range(8)]  # each once, none lost


def test_two_workers_run_a_periodic_task_once_per_period(app, workers):
    first, second = workers.start(), workers.start()
    wait_for(
        lambda: all("Enqueueing periodic task" in workers.log(w) for w in (first, second)),
        what="both schedulers to fire",
    )

    def ticks():
        with app.app_context():
            rows = db.session.execute(
                select(Job.id, Job.once_key, Job.state).where(Job.kind == "test-tick")
            ).all()
            db.session.rollback()
            return rows

    wait_for(lambda: ticks() and all(row.state is JobState.DONE for row in ticks()), what="ticks")
    rows = ticks()
    assert len({row.once_key for row in rows}) == len(rows)  # never two runs of one period
    assert len(rows) <= 2  # both started within a minute: one period, or two at a boundary
    for row in rows:
        assert effects(app, row.id) == ["tick"]
