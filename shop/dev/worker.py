"""The job worker beside `flask dev`: the same command production runs, as a child process.

One command (`make run`) gives the whole app, background jobs included; stopping the
app stops the worker, which finishes its running jobs first (SIGTERM, as systemd does).
"""

from __future__ import annotations

import os
import subprocess
import sys

from flask import Flask

STOP_SECONDS = 10
# What the worker must share with the app it serves (the app may have been given them
# by other means than the environment, as tests do).
SHARED = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "MEDIA_DIR": "MEDIA_DIR",
    "JOBS_SQLITE_PATH": "JOBS_SQLITE_PATH",
    "JOBS_REDIS_URL": "JOBS_REDIS_URL",
    "JOB_FILES_DIR": "JOB_FILES_DIR",
    "VAPID_PRIVATE_KEY": "VAPID_PRIVATE_KEY",
    "VAPID_SUBJECT": "VAPID_SUBJECT",
}


def start_worker(app: Flask) -> subprocess.Popen:
    env = dict(os.environ)
    for variable, setting in SHARED.items():
        if app.config.get(setting):
            env[variable] = str(app.config[setting])
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "shop", "jobs", "worker"], env=env
    )


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
