"""Real app servers for the tests: gunicorn processes, each with its own port and folder.

Every wait is bounded and every process is killed on the way out, pass or fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 40  # seconds for a worker to import the app and answer /healthz
STOP_TIMEOUT = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """One `gunicorn 'shop:create_app()'` process (one worker unless told) on 127.0.0.1."""

    def __init__(self, name: str, env: dict[str, str], folder: Path, workers: int = 1) -> None:
        self.name = name
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        # An empty config file: the test says exactly how gunicorn runs, whatever
        # gunicorn.conf.py the repository has.
        config = folder / "gunicorn-test.conf.py"
        config.write_text("")
        self.command = [
            sys.executable, "-m", "gunicorn",
            "--config", str(config),
            "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "60",
            "--graceful-timeout", "3",
            "shop:create_app()",
        ]  # fmt: skip
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the worker goes with it
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.output()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {START_TIMEOUT}s:\n{self.output()}")

    def stop(self) -> None:
        """TERM the process group, then KILL it if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        group = self.process.pid  # start_new_session: the group id is the master's pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


@contextlib.contextmanager
def app_servers(envs: dict[str, dict[str, str]], folder: Path) -> Iterator[list[AppServer]]:
    """Start one server per entry of `envs` (name -> environment), all in parallel."""
    servers = []
    try:
        for name, env in envs.items():
            home = folder / name
            home.mkdir(parents=True, exist_ok=True)
            server = AppServer(name, {**env, "VITRINA_INSTANCE_PATH": str(home)}, home)
            servers.append(server)
            server.start()
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


REDIS_SERVER = shutil.which("redis-server")


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway Redis (no persistence) on a free port of 127.0.0.1; yields its URL."""
    import redis

    port = free_port()
    log = folder / "redis.log"
    command = [
        REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", str(folder),
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(port=port, socket_timeout=1)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start:\n" + log.read_text()) from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
