"""Run a Python module as a program and write its own peak memory to a file at exit.

``python -m benchmarks.peak_memory OUT MODULE ARG...`` runs ``python -m MODULE ARG...``
in this process and, as it exits, writes VmHWM (the peak resident set of this process's
own memory since exec, in KiB) to OUT. Not ``ru_maxrss`` from wait4: Linux carries a
forked child's copy of its parent into that figure, so a worker started by the benchmark
process (hundreds of MB of test data) would report the benchmark's size, not its own.
"""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path


def peak_kib() -> int:
    """VmHWM of this process, in KiB, from /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("VmHWM not in /proc/self/status")


def main() -> None:
    out, module, *args = sys.argv[1:]
    atexit.register(lambda: Path(out).write_text(str(peak_kib())))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
