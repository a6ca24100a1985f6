"""`python -m benchmarks`: set up the data, run every benchmark, print one table.

Options: --only NAME (repeatable) runs some of them, --quick makes a short smoke run,
--rounds N repeats the throughput scenarios and keeps the median (a busy machine),
--database-url runs on PostgreSQL instead of a fresh SQLite file, --redis-url gives
the app a Redis (its shared page cache), --keep leaves the temporary workspace
behind for a look, --check exits 1 when a target is missed.
The raw figures go to benchmarks/out/results.json, the table to results.md and the
servers' logs to logs/.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from . import BENCHMARKS
from .data import PHOTO_POOL, build
from .report import Row, failed, summary, table
from .workspace import ROOT, Workspace

OUT = Path(__file__).resolve().parent / "out"
# Cheapest first, so a broken app shows up before the long runs.
ORDER = (
    "sql", "orders_list", "analytics_page", "cpu", "wire", "upload", "export", "imports",
    "throughput", "beacon", "beacon_page", "checkout", "viral", "lighthouse",
)  # fmt: skip
TITLES = {
    "sql": "SQL statements",
    "cpu": "CPU per request",
    "wire": "Bytes on the wire",
    "upload": "Photo upload",
    "export": "Export job",
    "imports": "Catalog import",
    "viral": "Viral post",
    "checkout": "Checkout",
    "throughput": "Throughput",
    "beacon": "Analytics beacon",
    "beacon_page": "Beacon on the shop page",
    "lighthouse": "Lighthouse",
    "orders_list": "Orders list",
    "analytics_page": "Analytics page",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only this one")
    parser.add_argument("--quick", action="store_true", help="short smoke run (not for figures)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="throughput: repeat, keep the median (busy machine)"
    )
    parser.add_argument("--database-url", help="PostgreSQL database to use (it is emptied)")
    parser.add_argument("--redis-url", help="REDIS_URL for the app (shared page cache)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)  # so servers are stopped on the way out
    selected = [name for name in ORDER if not args.only or name in args.only]
    started = time.perf_counter()
    workspace = Workspace.create(args.database_url, redis_url=args.redis_url)
    results: dict = {"meta": meta(args, workspace), "benchmarks": {}}
    rows: list[Row] = []
    busy = _busy()
    if busy:
        say(busy)
    try:
        say(f"Setting up the data in {workspace.root} ...")
        data = build(workspace, photo_pool=14 if args.quick else PHOTO_POOL)
        results["setup"] = {"seconds": round(data.seconds, 1), **data.timings}
        say(f"Data ready in {data.seconds:.0f} s: shops of {', '.join(map(str, data.shops))}")
        for name in selected:
            say(f"Running {name} ...")
            began = time.perf_counter()
            try:
                module = importlib.import_module(f"benchmarks.{name}")
                options = {"rounds": max(1, args.rounds)} if name == "throughput" else {}
                if name == "beacon_page" and args.rounds > 1:  # else its own 3 rounds
                    options = {"rounds": args.rounds}
                raw, found = module.run(data, quick=args.quick, **options)
            except Exception as error:  # one broken benchmark must not hide the others
                raw = {"error": repr(error), "traceback": traceback.format_exc()}
                found = [failed(TITLES[name], "the whole benchmark", _short(error))]
            seconds = time.perf_counter() - began
            results["benchmarks"][name] = {
                "seconds": round(seconds, 1),
                "load_average_after": os.getloadavg()[0],
                "results": raw,
            }
            rows.extend(found)
            say(f"  {name} done in {seconds:.0f} s")
    finally:
        keep_logs(workspace)
        if args.keep:
            say(f"Workspace kept: {workspace.root}")
        else:
            workspace.remove()
    results["rows"] = [row.as_dict() for row in rows]
    results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    text = table(rows)
    write(results, text)
    print()
    print(text)
    print()
    print(f"{summary(rows)}. Raw results: {OUT / 'results.json'}")
    if busy:
        print(busy)
    return 1 if args.check and any(row.passed is False for row in rows) else 0


def meta(args: argparse.Namespace, workspace: Workspace) -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "HEAD"),
        # Figures from a work tree with uncommitted changes are not the commit's figures.
        "uncommitted_changes": bool(_git("--no-optional-locks", "status", "--porcelain")),
        "quick": args.quick,
        "database": workspace.database_url.split(":", 1)[0],
        "redis": bool(workspace.redis_url),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg()[0],
        "platform": platform.platform(),
    }


def keep_logs(workspace: Workspace) -> None:
    """The servers' logs outlive the workspace: a 500 in the table is explained there."""
    logs = OUT / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    for log in workspace.root.glob("*.log"):
        shutil.copy(log, logs / log.name)


def write(results: dict, text: str) -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (OUT / "results.md").write_text(text + "\n")


def _busy() -> str:
    """A warning when other work keeps the machine's CPUs busy: ratios get noisy."""
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    if load <= cpus:
        return ""
    return (
        f"Note: the machine is busy (load average {load:.1f} on {cpus} CPUs); "
        "throughput and Lighthouse figures are noisy. Run again when it is idle."
    )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _short(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip()


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
