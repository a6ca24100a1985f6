"""Where jobs keep files: results to download (an export) and work in progress.

One folder (JOB_FILES_DIR) that the workers write and the app servers read, so with
several machines it is a shared volume. A result is named by its job's unguessable
token; work folders by job id, so a retried job finds what it had done.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flask import current_app

RESULT_SUFFIX = ".result"


def files_dir() -> Path:
    return Path(current_app.config["JOB_FILES_DIR"])


def result_path(token: str) -> Path:
    return files_dir() / f"{token}{RESULT_SUFFIX}"


def work_dir(job_id: int) -> Path:
    path = files_dir() / "work" / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomically(path: Path, write) -> None:
    """Call write(file) on a temporary file, then move it to `path` in one step: a reader
    (or a worker resuming after a kill) sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as target:
        write(target)
        target.flush()
        os.fsync(target.fileno())
    partial.replace(path)


def remove_result(token: str) -> None:
    result_path(token).unlink(missing_ok=True)


def remove_work(job_id: int) -> None:
    shutil.rmtree(files_dir() / "work" / str(job_id), ignore_errors=True)
