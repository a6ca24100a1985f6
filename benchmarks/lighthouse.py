"""Lighthouse (npm `lighthouse`, default mobile simulation) on pages served by gunicorn.

Lighthouse is installed on first use into benchmarks/out/cache/lighthouse (git-ignored;
never needed by the app) and drives Debian's Chromium (CHROME_PATH=/usr/bin/chromium).
Version 12 is used because it runs on the Node.js 20 Debian ships (13 wants Node 22).
When Lighthouse cannot run, the table says why instead of failing the whole run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from .data import BenchData
from .report import Row, at_most, failed
from .servers import Server, gunicorn

CACHE = Path(__file__).resolve().parent / "out" / "cache" / "lighthouse"
VERSION = "12"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
LCP_MAX_MS, CLS_MAX = 2000, 0.05
TBT_MAX_MS = 200  # the issue "Fast when it counts": the 1,000-product page's TBT
DOM_MAX = 1_500  # elements on first load (the rest of a big catalog loads on scroll)
WORST_RUN = 90  # no run of the three under this
RUN_TIMEOUT = 240
NAME = "Lighthouse"


class LighthouseUnavailable(RuntimeError):
    pass


def lighthouse_bin() -> Path:
    """The lighthouse command, installed with npm into the cache folder if missing."""
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        raise LighthouseUnavailable("npm is not installed (apt-get install -y npm)")
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"Installing lighthouse@{VERSION} into {CACHE} ...", flush=True)
    done = subprocess.run(
        [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund",
         f"lighthouse@{VERSION}"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0 or not binary.exists():
        raise LighthouseUnavailable(f"npm install lighthouse failed: {done.stderr[-300:]}")
    return binary


# Lighthouse sometimes fails to record Chromium's trace ("Something went wrong with
# recording the trace over your page load. Please run Lighthouse again."): a page is
# audited up to this many times before its rows say why it was not measured.
ATTEMPTS = 3
MEDIAN_OF = 3  # shop pages are audited three times; the median run is reported
# Chromium's and Lighthouse's first audit of a run (a cold browser profile, disk cache
# and JIT) scored a shop page 84 where the next two gave 99: one audit of the site's
# home page comes first and is thrown away, so every kept run starts from the same state.
WARM_UP_PATH = "/"


def run(data: BenchData, quick: bool = False) -> tuple[dict, list[Row]]:
    pages = _pages(data, quick)
    try:
        binary = lighthouse_bin()
        if not Path(CHROME).exists():
            raise LighthouseUnavailable(f"no Chromium at {CHROME} (apt-get install -y chromium)")
    except (LighthouseUnavailable, OSError, subprocess.TimeoutExpired) as error:
        return {"error": str(error)}, [failed(NAME, label, str(error)) for label, _ in pages]
    ws = data.workspace
    results: dict = {}
    with gunicorn("shop:create_app()", ws.env(), ws.root, "lighthouse") as server:
        warm_up = _audited(binary, server, WARM_UP_PATH, ws.root)  # discarded (see WARM_UP_PATH)
        results["warm_up"] = {"path": WARM_UP_PATH, "error": warm_up.get("error")}
        for label, path in pages:
            server.get(path)  # as a shopper finds it: not the very first request after start
            runs = []
            for number in range(1 if quick or "product page" in label else MEDIAN_OF):
                runs.append(_audited(binary, server, path, ws.root))
                print(f"  Lighthouse, {label}, run {number + 1}: {_figures(runs[-1])}", flush=True)
            results[label] = _median(runs)
    return results, rows(results)


def _figures(run: dict) -> str:
    """One run's figures as a line: Performance, LCP, TBT, CLS (or why it failed)."""
    if "error" in run:
        return f"not measured ({run['error'][:120]})"
    lcp, tbt, cls = run["lcp_ms"], run["tbt_ms"], run["cls"]
    return (
        f"Performance {run['scores']['performance']}, LCP {(lcp or 0) / 1000:.2f} s, "
        f"TBT {tbt or 0:.0f} ms, CLS {cls or 0:.3f}"
    )


def _audited(binary: Path, server: Server, path: str, folder: Path) -> dict:
    """One audit, tried again when Lighthouse fails to record (see ATTEMPTS)."""
    result: dict = {}
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return audit(binary, server, path, folder)
        except (LighthouseUnavailable, subprocess.TimeoutExpired, OSError) as error:
            result = {"error": str(error), "attempts": attempt}
    return result


def _median(runs: list[dict]) -> dict:
    """The run with the median Performance score, with every run's score beside it (the
    issue's target: at least 95 as the median of three, no run under 90)."""
    measured = [run for run in runs if "error" not in run]
    if not measured:
        return runs[-1]
    measured.sort(key=lambda run: run["scores"]["performance"] or 0)
    median = dict(measured[(len(measured) - 1) // 2])
    median["performance_runs"] = [
        run["scores"]["performance"] for run in runs if "error" not in run
    ]
    # Every run's own figures, in the order they ran (the JSON keeps them all).
    median["runs"] = [
        {key: run.get(key) for key in ("scores", "lcp_ms", "tbt_ms", "cls", "error")}
        for run in runs
    ]
    return median


def _pages(data: BenchData, quick: bool) -> list[tuple[str, str]]:
    sizes = sorted(data.shops)
    small = min(sizes, key=lambda size: abs(size - 200))
    pages = [(f"shop page, {small:,} products", data.shops[small].path)]
    if not quick:
        large = sizes[-1]
        pages.append((f"shop page, {large:,} products", data.shops[large].path))
        pages.append(("product page", data.shops[large].product_path))
    return pages


def audit(binary: Path, server: Server, path: str, folder: Path) -> dict:
    report = folder / f"lighthouse{re.sub(r'[^a-z0-9]+', '-', path.lower())}.json"
    command = [
        str(binary), server.base + path,
        "--output=json", f"--output-path={report}", "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env={**os.environ, "CHROME_PATH": CHROME}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        _, stderr = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # lighthouse and the Chromium it started
            process.wait()
    if process.returncode != 0 or not report.exists():
        raise LighthouseUnavailable(f"lighthouse exited {process.returncode}: {stderr[-300:]}")
    return summarise(json.loads(report.read_text()))


def summarise(lhr: dict) -> dict:
    audits = lhr["audits"]
    scores = {
        name: None if lhr["categories"][name]["score"] is None
        else round(lhr["categories"][name]["score"] * 100)
        for name in CATEGORIES
    }  # fmt: skip
    misses = {
        name: [
            ref["id"]
            for ref in lhr["categories"][name]["auditRefs"]
            if ref.get("weight") and (audits[ref["id"]].get("score") or 0) < 1
        ]
        for name in CATEGORIES
    }
    return {
        "scores": scores,
        "lcp_ms": audits["largest-contentful-paint"].get("numericValue"),
        "cls": audits["cumulative-layout-shift"].get("numericValue"),
        "tbt_ms": audits["total-blocking-time"].get("numericValue"),
        "fcp_ms": audits["first-contentful-paint"].get("numericValue"),
        "dom_elements": (audits.get("dom-size") or {}).get("numericValue"),
        "not_passed": misses,
        "console_errors": [
            f"{item.get('description', '')} ({(item.get('sourceLocation') or {}).get('url', '')})"
            for item in (audits.get("errors-in-console", {}).get("details") or {}).get("items", [])
        ],
        "runtime_error": (lhr.get("runtimeError") or {}).get("message"),
        "lighthouse": lhr.get("lighthouseVersion"),
    }


def rows(results: dict) -> list[Row]:
    out = []
    target = " / ".join(f">= {TARGETS[n]}" if n == "performance" else str(TARGETS[n])
                        for n in CATEGORIES)  # fmt: skip
    for label, result in results.items():
        if label == "warm_up":  # discarded: not a row
            continue
        scores_label = f"{label}: Performance / Accessibility / Best Practices / SEO"
        vitals_label = f"{label}: LCP / CLS / TBT"
        if "error" in result:
            out.append(failed(NAME, scores_label, result["error"], target))
            continue
        scores = result["scores"]
        ok = all(scores[n] is not None and scores[n] >= TARGETS[n] for n in CATEGORIES)
        runs = result.get("performance_runs", [])
        if len(runs) > 1:
            scores_label += f" (median of {len(runs)}: {', '.join(map(str, runs))})"
            ok = ok and min(runs) >= WORST_RUN
        out.append(Row(NAME, scores_label, " / ".join(str(scores[n]) for n in CATEGORIES),
                       target, ok))  # fmt: skip
        lcp, cls, tbt = result["lcp_ms"], result["cls"], result["tbt_ms"]
        figure = (
            f"{lcp / 1000:.2f} s / {cls:.3f} / {tbt:.0f} ms"
            if None not in (lcp, cls, tbt) else "not reported"
        )  # fmt: skip
        blocking_ok = tbt is not None and tbt < TBT_MAX_MS
        ok = bool(at_most(lcp, LCP_MAX_MS) and at_most(cls, CLS_MAX)) and blocking_ok
        out.append(Row(NAME, vitals_label, figure,
                       f"<= {LCP_MAX_MS / 1000:.1f} s / <= {CLS_MAX} / < {TBT_MAX_MS} ms",
                       ok))  # fmt: skip
        elements = result.get("dom_elements")
        out.append(Row(NAME, f"{label}: DOM elements on first load",
                       "not reported" if elements is None else f"{elements:,.0f}",
                       f"<= {DOM_MAX:,}", bool(at_most(elements, DOM_MAX))))  # fmt: skip
    return out
