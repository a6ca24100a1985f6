"""Work that outlives a request: jobs with progress, retries and schedules.

A room declares its work with ``@job_kind`` or ``@periodic`` (shop.jobs.kinds) and
starts it with ``start_job``; a job's function gets a RunningJob and does its work in
``job.steps(...)``, each recorded once done. Workers (``flask --app shop jobs worker``)
run the queue; see docs/deploy.md.
"""

from flask import Flask

from shop.jobs.kinds import JobError, job_kind, periodic
from shop.jobs.queue import drain, get_queue
from shop.jobs.running import RunningJob, start_job

__all__ = [
    "JobError",
    "RunningJob",
    "drain",
    "get_queue",
    "init_app",
    "job_kind",
    "periodic",
    "start_job",
]


def init_app(app: Flask) -> None:
    """Give the app its queue, with every kind and schedule registered so far."""
    from shop.jobs import queue, running
    from shop.jobs.commands import jobs_group

    queue.install(app, running.run, running.start_periodic)
    app.cli.add_command(jobs_group)
