"""Servers the benchmarks talk to: gunicorn on a free 127.0.0.1 port, always stopped.

`gunicorn()` is a context manager: the server (and its workers: they live in its
process group) is terminated on the way out, whatever happened inside.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .workspace import ROOT

HOST = "127.0.0.1"
WORKERS = 2
START_TIMEOUT = 60
STOP_TIMEOUT = 15
DRAIN_TIMEOUT = 120


@dataclass
class Server:
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def get(self, path: str, headers: dict | None = None, timeout: float = 60) -> Response:
        return fetch(self.port, path, headers, timeout)

    def drain(self, timeout: float = DRAIN_TIMEOUT) -> None:
        """Wait until requests a load generator left queued have been served.

        wrk stops at its deadline, but gunicorn still serves the requests already
        queued; a probe sent now is answered after them (by each worker in turn).
        """
        for _ in range(WORKERS):
            fetch(self.port, "/healthz", timeout=timeout)


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes  # as sent: still compressed when Content-Encoding says so


def fetch(port: int, path: str, headers: dict | None = None, timeout: float = 60) -> Response:
    """One GET to 127.0.0.1:`port`, the body left exactly as it came over the wire."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        reply = conn.getresponse()
        body = reply.read()
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, body)
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict[str, str], log_dir: Path, name: str) -> Iterator[Server]:
    """`gunicorn -w 2 -k sync <app>` on a free port, as production would run it.

    It runs from the repository root, so a gunicorn.conf.py there applies (the
    command-line options here win over it).
    """
    port = free_port()
    log = log_dir / f"gunicorn-{name}.log"
    command = [
        sys.executable, "-m", "gunicorn",
        "-w", str(WORKERS), "-k", "sync",
        "-b", f"{HOST}:{port}",
        "--error-logfile", str(log),
        app,
    ]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait_ready(process, port, log)
        yield Server(port, log)
    finally:
        stop(process)


def _wait_ready(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start: {_tail(log)}")
        try:
            fetch(port, "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s: {_tail(log)}")


def stop(process: subprocess.Popen) -> None:
    """TERM the process group (master and workers), then KILL what is left."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(STOP_TIMEOUT)
    _signal_group(process, signal.SIGKILL)  # any worker left behind by a crashed master


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
