"""`flask --app shop jobs worker|run`: the worker process, and the queue drained by hand."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sys
import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from shop.extensions import db
from shop.jobs import running, workers
from shop.jobs.queue import drain, get_queue

jobs_group = AppGroup("jobs", help="Background jobs: run a worker, or the queue by hand.")
logger = logging.getLogger("shop.jobs")


@jobs_group.command("worker")
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=None,
    help="Jobs run at once by this process (JOBS_WORKER_THREADS, default 2).",
)
def worker_command(threads: int | None) -> None:
    """Run jobs until stopped: SIGTERM (systemd's stop) lets running jobs finish first;
    SIGINT (Ctrl-C) stops at once, and the interrupted jobs resume from their last step."""
    app = current_app._get_current_object()
    _log_to_stderr()
    worker_id = f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(4)}"
    running.set_worker_id(worker_id)
    workers.heartbeat(worker_id)
    requeued = workers.sweep(requeue_waiting=True)
    if requeued:
        logger.info("Worker %s: picked up jobs %s", worker_id, requeued)
    db.session.remove()
    stop = threading.Event()
    beating = threading.Thread(target=_beat, args=(app, worker_id, stop), daemon=True)
    beating.start()
    consumer = get_queue().huey.create_consumer(
        workers=threads or app.config["JOBS_WORKER_THREADS"],
        worker_type="thread",
        periodic=True,
        check_worker_health=True,
        graceful_signal="TERM",
    )
    logger.info("Worker %s started", worker_id)
    try:
        consumer.run()
    finally:
        stop.set()
        beating.join(timeout=5)
        with app.app_context():
            workers.forget(worker_id)
        logger.info("Worker %s stopped", worker_id)


def _beat(app: Flask, worker_id: str, stop: threading.Event) -> None:
    """Heartbeat and sweep, every JOBS_HEARTBEAT_SECONDS, until the worker stops."""
    interval = app.config["JOBS_HEARTBEAT_SECONDS"]
    while not stop.wait(interval):
        with app.app_context():
            try:
                workers.heartbeat(worker_id)
                workers.sweep()
            except Exception:  # a database hiccup must not stop the heartbeat for good
                db.session.rollback()
                logger.exception("Worker %s: heartbeat failed", worker_id)


def _log_to_stderr() -> None:
    """huey's and the jobs' own lines on stderr (the app's logger already has a handler)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("huey", "shop.jobs"):
        named = logging.getLogger(name)
        if not named.handlers:
            named.addHandler(handler)
        named.setLevel(logging.INFO)


@jobs_group.command("run")
def run_command() -> None:
    """Run what is queued now, in this process, then exit (no worker needed)."""
    count = drain()
    click.echo(f"Ran {count} queued job message(s).")
