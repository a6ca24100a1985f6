"""The queue under the jobs: huey, on a SQLite file by default and on Redis when configured.

Each app gets its own huey (its settings come from the app's config), with one task that
runs any job by id and one periodic task per registered schedule. A queue message only
says "run job N": what the job is and how far it got lives in the job's row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

from shop.jobs.kinds import PERIODIC

EXTENSION = "vitrina_jobs"


@dataclass
class Queue:
    huey: Huey
    run_task: Callable  # huey's TaskWrapper: calling it enqueues


def make_huey(config) -> Huey:
    """Redis at JOBS_REDIS_URL (REDIS_URL by default), else the SQLite file at JOBS_SQLITE_PATH."""
    name = config["JOBS_QUEUE_NAME"]
    if config.get("JOBS_REDIS_URL"):
        return RedisHuey(name, url=config["JOBS_REDIS_URL"], utc=True)
    path = Path(config["JOBS_SQLITE_PATH"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), utc=True)


def install(app: Flask, run: Callable[[int], None], start_periodic: Callable[[str], None]) -> None:
    """Build the app's huey and its tasks; `run` and `start_periodic` get an app context."""
    huey = make_huey(app.config)

    @huey.task(name="vitrina.run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            run(job_id)

    for item in PERIODIC.values():
        huey.periodic_task(item.schedule(), name=f"vitrina.periodic.{item.name}")(
            _periodic_runner(app, start_periodic, item.name)
        )
    app.extensions[EXTENSION] = Queue(huey, run_job)


def _periodic_runner(app: Flask, start_periodic: Callable[[str], None], name: str) -> Callable:
    def run_periodic() -> None:
        with app.app_context():
            start_periodic(name)

    run_periodic.__name__ = f"periodic_{name.replace('-', '_')}"
    return run_periodic


def get_queue() -> Queue:
    return current_app.extensions[EXTENSION]


def enqueue(job_id: int, *, delay: float = 0) -> None:
    """Ask a worker to run job `job_id`, now or after `delay` seconds."""
    task = get_queue().run_task
    if delay > 0:
        task.schedule(args=(job_id,), delay=delay)
    else:
        task(job_id)


def drain(limit: int = 1000) -> int:
    """Run every message waiting in the queue, here and now (tests, `flask jobs run`).
    Returns how many ran. Scheduled retries wait for their time, as with a worker."""
    huey = get_queue().huey
    count = 0
    while count < limit:
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task)
        count += 1
    return count
