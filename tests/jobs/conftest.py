"""Jobs: test apps that know the test kinds, and real worker processes to run them."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shop.extensions import db
from tests.conftest import REDIS_ADDRESS, redis_url
from tests.jobs.kinds_for_tests import EFFECTS_DDL

ROOT = Path(__file__).resolve().parents[2]
MODULES = "tests.jobs.kinds_for_tests"
REDIS = redis_url(15)


@pytest.fixture
def app(app):
    """The usual test app, knowing the test kinds, with a `test_effect` table (dropped
    afterwards: the schema test compares the database with the models)."""
    import importlib

    from shop import jobs

    importlib.import_module(MODULES)
    jobs.init_app(app)  # again, now that the test kinds are registered
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(EFFECTS_DDL))
        conn.execute(text("DELETE FROM test_effect"))
    yield app
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS test_effect"))


def effects(app, job_id: int) -> list[str]:
    with app.app_context():
        rows = db.session.execute(
            text("SELECT step FROM test_effect WHERE job_id = :job ORDER BY step"), {"job": job_id}
        )
        steps = [row.step for row in rows]
        db.session.rollback()
        return steps


class Workers:
    """Start real `flask --app shop jobs worker` processes on the test app's database."""

    def __init__(self, app, tmp_path: Path) -> None:
        self.app = app
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def environment(self) -> dict[str, str]:
        config = self.app.config
        env = dict(os.environ)
        env.update(
            DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
            MEDIA_DIR=config["MEDIA_DIR"],
            JOBS_SQLITE_PATH=config["JOBS_SQLITE_PATH"],
            JOB_FILES_DIR=config["JOB_FILES_DIR"],
            JOBS_QUEUE_NAME=config["JOBS_QUEUE_NAME"],
            JOB_MODULES=MODULES,
            JOBS_HEARTBEAT_SECONDS="0.5",
            JOBS_RETRY_DELAY="0",
            SECRET_KEY="test-secret-key-that-is-long-enough-0123456789",
            PYTHONPATH=str(ROOT),
        )
        env.pop("JOBS_REDIS_URL", None)
        env.pop("REDIS_URL", None)
        if config.get("JOBS_REDIS_URL"):
            env["JOBS_REDIS_URL"] = config["JOBS_REDIS_URL"]
        return env

    def start(self) -> subprocess.Popen:
        log = (self.tmp_path / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "shop", "jobs", "worker", "--threads", "1"],
            env=self.environment(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name
        self.processes.append(process)
        return process

    def log(self, process: subprocess.Popen) -> str:
        return Path(process.log_path).read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(app, tmp_path) -> Iterator[Workers]:
    started = Workers(app, tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def redis_queue(app):
    """Switch the app's queue to the machine's Redis, under a name no other test uses."""
    import redis

    from shop import jobs
    from tests.conftest import skip_without_service

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        skip_without_service(f"needs the machine's Redis on {REDIS_ADDRESS}")
    app.config.update(JOBS_REDIS_URL=REDIS, JOBS_QUEUE_NAME=f"vitrina-test-{secrets.token_hex(4)}")
    jobs.init_app(app)
    yield app
    with app.app_context():
        jobs.get_queue().huey.storage.flush_all()


def wait_for(condition: Callable[[], object], timeout: float = 30, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
