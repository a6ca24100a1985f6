"""Load from `wrk` (Debian's package): fixed concurrency, bounded duration, 127.0.0.1 only.

A small Lua script sets the request headers a phone sends and prints wrk's summary
and latency percentiles as one JSON line, so nothing depends on wrk's text layout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

CONNECTIONS = 32
THREADS = 2
# Slow responses are counted, not dropped: wrk's default 2 s timeout would hide them.
TIMEOUT = "30s"
MARK = "WRK-RESULT "
PHONE_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, br",
    "Accept-Language": "es-ES,es;q=0.9",
}
SCRIPT = """
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{mark}{{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
    .. '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,'
    .. '"max_us":%d,"mean_us":%.1f}}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
"""


class WrkMissing(RuntimeError):
    pass


@dataclass
class Load:
    requests: int
    duration_us: int
    bytes: int
    connect: int
    read: int
    write: int
    status: int  # responses other than 2xx and 3xx
    timeout: int
    p50_us: int
    p90_us: int
    p99_us: int
    max_us: int
    mean_us: float

    @property
    def rps(self) -> float:
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def errors(self) -> int:
        return self.connect + self.read + self.write + self.status + self.timeout

    def as_dict(self) -> dict:
        return asdict(self) | {"rps": round(self.rps, 1), "errors": self.errors}


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        how = (
            "apt-get install -y wrk"
            if os.geteuid() == 0
            else "sudo apt-get install -y wrk (Debian's package)"
        )
        raise WrkMissing(f"wrk is not installed: {how}")
    return path


def run(
    url: str,
    seconds: float,
    script_dir: Path,
    headers: dict | None = None,
    request_lua: str = "",
) -> Load:
    """`wrk -c 32 -t 2 -d <seconds> --latency` against `url` (a 127.0.0.1 address).

    `request_lua` may define wrk's `request` function (a different path each time)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load goes to 127.0.0.1 only")
    script = script_dir / "wrk-script.lua"
    lines = [
        f"wrk.headers[{_lua(name)}] = {_lua(value)}"
        for name, value in {**PHONE_HEADERS, **(headers or {})}.items()
    ]
    script.write_text(SCRIPT.format(headers="\n".join(lines), mark=MARK) + request_lua)
    duration = max(1, round(seconds))
    command = [
        wrk_path(), "-c", str(CONNECTIONS), "-t", str(THREADS), "-d", f"{duration}s",
        "--latency", "--timeout", TIMEOUT, "-s", str(script), url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return Load(**json.loads(line[len(MARK) :]))
    raise RuntimeError(f"wrk gave no result (exit {done.returncode}): {done.stderr[-500:]}")


def _lua(text: str) -> str:
    """A Lua string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
