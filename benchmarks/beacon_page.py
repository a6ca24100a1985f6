"""What the analytics beacon costs the shop page (issue 22): the same shop served by two
gunicorns side by side, one as deployed and one with ANALYTICS_BEACON=off (no script in
the page, no beacon layer in front of Flask), compared in the same run.

- Size: the beacon script as the server sends it to a phone (gzip; target at most
  1.5 KB), and what its tag adds to the gzipped page.
- Throughput: `wrk` on the shop page (200 products) of each server, both as it is
  usually served (the kept page) and rendered in full (PAGE_CACHE=off), each as a share
  of Flask's hello world measured just before and after it. The runs are interleaved
  (with, without, hello between; the next round starts with the other one), and each
  figure is the median of the rounds, so load from elsewhere on a shared machine falls
  on both alike. Target: "without" and "with" within noise, given as the spread of the
  rounds' own ratios.
- CPU per request, in process (as benchmarks/cpu.py measures it: the serving thread's
  CPU time, which other work on the machine barely moves): the same two pages through
  two apps that differ by the setting alone, in alternating blocks; the medians.
- Lighthouse (default mobile simulation, as benchmarks/lighthouse.py runs it): one
  warm-up audit, discarded (Chromium's first start and the server's first requests),
  then with and without, interleaved, three each; medians and every run's scores.
"""

from __future__ import annotations

import gzip
import re
import statistics
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

from . import lighthouse, wrk
from .data import BenchData
from .report import Row, at_most, failed, kb, ms
from .servers import Server, gunicorn
from .workspace import ROOT, Workspace, create_app, environ

APP = "shop:create_app()"
HELLO_APP = "benchmarks.hello:app"
NAME = "Beacon on the shop page"
SCRIPT = ROOT / "static" / "js" / "shop-stats.js"
SCRIPT_GZIP_MAX = 1500  # bytes
OFF = {"ANALYTICS_BEACON": "off"}
COLD = {"PAGE_CACHE": "off"}
VARIANTS = ("with", "without")
SCRIPT_SRC = re.compile(r'<script src="([^"]*shop-stats[^"]*)"')


def run(data: BenchData, quick: bool = False, rounds: int = 3) -> tuple[dict, list[Row]]:
    wrk.wrk_path()
    ws = data.workspace
    shop = data.shops[min(data.shops, key=lambda size: abs(size - 200))]
    seconds, warm = (2, 1) if quick else (10, 2)
    rounds = 1 if quick else max(1, rounds)
    results: dict = {"seconds": seconds, "rounds": rounds, "products": shop.size}
    with ExitStack() as stack:

        def serve(name: str, **settings: str) -> Server:
            return stack.enter_context(gunicorn(APP, ws.env(**settings), ws.root, name))

        hello = stack.enter_context(gunicorn(HELLO_APP, ws.env(), ws.root, "hello-page"))
        servers = {
            "kept": {"with": serve("page-with"), "without": serve("page-without", **OFF)},
            "render": {
                "with": serve("render-with", **COLD),
                "without": serve("render-without", **COLD, **OFF),
            },
        }
        results["size"] = sizes(servers["kept"], shop.path)
        if "error" in results["size"]:
            return results, [failed(NAME, "the two shop pages", results["size"]["error"])]
        results["throughput"] = throughput(
            hello, servers, shop.path, (seconds, warm), rounds, ws.root
        )
        results["lighthouse"] = audits(servers["kept"], shop.path, ws.root, quick)
    results["cpu"] = cpu(ws, shop.path, quick)
    return results, rows(results)


def cpu(ws: Workspace, path: str, quick: bool) -> dict:
    """Median CPU time per request of each page, with and without the beacon: blocks of
    requests to one app then the other (the order swapped every block), after a warm-up."""
    blocks, per_block, warm = (2, 10, 5) if quick else (10, 40, 20)
    out: dict = {"blocks": blocks, "per_block": per_block}
    for scenario, page_cache in (("kept", "local"), ("render", "off")):
        # The page cache's setting is read from the environment while the app serves.
        with environ(ws.settings() | {"PAGE_CACHE": page_cache}):
            clients = {
                "with": create_app(ws).test_client(),
                "without": create_app(ws, **OFF).test_client(),
            }
            times: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
            for client in clients.values():
                for _ in range(warm):
                    client.get(path, headers={"Accept-Encoding": "gzip, br"}).close()
            for block in range(blocks):
                for variant in VARIANTS if block % 2 == 0 else VARIANTS[::-1]:
                    for _ in range(per_block):
                        began = time.thread_time()
                        reply = clients[variant].get(path, headers={"Accept-Encoding": "gzip, br"})
                        reply.close()
                        times[variant].append(time.thread_time() - began)
                        if reply.status_code != 200:
                            return {"error": f"{scenario} {variant}: {reply.status_code}"}
        out[scenario] = {v: round(statistics.median(t) * 1e6) for v, t in times.items()}
    return out


def sizes(servers: dict[str, Server], path: str) -> dict:
    """The script's bytes as sent (gzip) and the page's with and without its tag; also a
    check that the two servers differ by the script alone."""
    pages = {}
    for variant, server in servers.items():
        reply = server.get(path, headers=wrk.PHONE_HEADERS)
        if reply.status != 200:
            return {"error": f"the shop page {variant} the beacon answered {reply.status}"}
        html = gzip.decompress(reply.body).decode() if _gzipped(reply) else reply.body.decode()
        pages[variant] = (len(reply.body), html)
    found = SCRIPT_SRC.search(pages["with"][1])
    if found is None or "shop-stats" in pages["without"][1]:
        return {"error": "the script is not only in the page with the beacon"}
    reply = servers["with"].get(found.group(1), headers={"Accept-Encoding": "gzip"})
    return {
        "script_url": found.group(1),
        "script_bytes": SCRIPT.stat().st_size,
        "script_gzip_sent": len(reply.body) if _gzipped(reply) else None,
        "script_gzip_9": len(gzip.compress(SCRIPT.read_bytes(), 9)),
        "page_gzip_with": pages["with"][0],
        "page_gzip_without": pages["without"][0],
    }


def throughput(hello, servers, path, timing: tuple[int, int], rounds, folder: Path) -> dict:
    """Each scenario's runs, interleaved: hello, with, hello, without, hello (and the
    other order the next round); each run's share of the mean of the hellos around it."""
    seconds, warm = timing
    out: dict = {"hello": []}
    warmed: set[int] = set()

    def load(server: Server) -> dict:
        if server.port not in warmed:  # both workers render once before counting
            wrk.run(server.base + path, warm, folder)
            server.drain()
            warmed.add(server.port)
        result = wrk.run(server.base + path, seconds, folder).as_dict()
        server.drain()
        return result

    def hello_run() -> float | None:
        result = wrk.run(hello.base + "/", seconds, folder).as_dict()
        hello.drain()
        out["hello"].append(result)
        return result.get("rps")

    before = hello_run()
    for round_ in range(rounds):
        for scenario, pair in servers.items():
            order = VARIANTS if round_ % 2 == 0 else VARIANTS[::-1]
            for variant in order:
                result = load(pair[variant])
                after = hello_run()
                around = [rps for rps in (before, after) if rps]
                result["hello_rps"] = sum(around) / len(around) if around else None
                result["share"] = (
                    result["rps"] / result["hello_rps"] if result["hello_rps"] else None
                )
                out.setdefault(scenario, {}).setdefault(variant, []).append(result)
                before = after
    return out


def audits(servers: dict[str, Server], path: str, folder: Path, quick: bool) -> dict:
    """A discarded warm-up audit, then with and without interleaved (1 each when quick)."""
    try:
        binary = lighthouse.lighthouse_bin()
        if not Path(lighthouse.CHROME).exists():
            raise lighthouse.LighthouseUnavailable(f"no Chromium at {lighthouse.CHROME}")
    except (lighthouse.LighthouseUnavailable, OSError, subprocess.TimeoutExpired) as error:
        return {"error": str(error)}
    for server in servers.values():
        server.get(path)
    warm_up = lighthouse._audited(binary, servers["with"], path, folder)
    runs: dict = {variant: [] for variant in VARIANTS}
    for round_ in range(1 if quick else lighthouse.MEDIAN_OF):
        for variant in VARIANTS if round_ % 2 == 0 else VARIANTS[::-1]:
            runs[variant].append(lighthouse._audited(binary, servers[variant], path, folder))
    return {
        "warm_up_performance": (warm_up.get("scores") or {}).get("performance"),
        **{variant: lighthouse._median(found) for variant, found in runs.items()},
        "runs": runs,
    }


def rows(results: dict) -> list[Row]:
    size = results["size"]
    sent = size["script_gzip_sent"] or size["script_gzip_9"]
    out = [
        Row(NAME, "Beacon script, gzip as sent (raw)",
            f"{sent:,} B ({size['script_bytes']:,} B)",
            f"<= {SCRIPT_GZIP_MAX / 1000:.1f} KB", at_most(sent, SCRIPT_GZIP_MAX)),
        Row(NAME, "Shop page, gzip: with / without the beacon's tag",
            f"{kb(size['page_gzip_with'])} / {kb(size['page_gzip_without'])} "
            f"(+{size['page_gzip_with'] - size['page_gzip_without']} B)", "-"),
    ]  # fmt: skip
    hello = [h["rps"] for h in results["throughput"]["hello"] if h.get("rps")]
    out.append(Row(NAME, "Hello world, around each run below",
                   f"{min(hello):,.0f} to {max(hello):,.0f} req/s ({len(hello)} runs)"
                   if hello else "not measured", "baseline"))  # fmt: skip
    labels = {"kept": "Shop page as served (kept)", "render": "Shop page rendered in full"}
    for scenario, label in labels.items():
        out.append(_throughput_row(label, results["throughput"].get(scenario, {})))
    cpu_found = results.get("cpu", {})
    for scenario, label in labels.items():
        if "error" in cpu_found or scenario not in cpu_found:
            out.append(failed(NAME, f"{label}: CPU per request", cpu_found.get("error", "-")))
            continue
        with_, without = (cpu_found[scenario][v] for v in VARIANTS)
        figure = f"{ms(with_)} / {ms(without)} ({with_ / without - 1:+.0%})"
        out.append(Row(NAME, f"{label}: CPU per request in process, with / without (median)",
                       figure, "-"))  # fmt: skip
    out.extend(_lighthouse_rows(results["lighthouse"], results["products"]))
    return out


def _throughput_row(label: str, variants: dict) -> Row:
    figures, medians = [], {}
    for variant in VARIANTS:
        shares = [r["share"] for r in variants.get(variant, []) if r.get("share")]
        errors = sum(r.get("errors", 0) for r in variants.get(variant, []))
        if not shares:
            return failed(NAME, label, f"no measured run {variant} the beacon")
        medians[variant] = statistics.median(shares)
        rps = statistics.median(r["rps"] for r in variants[variant] if r.get("share"))
        figures.append(
            f"{variant}: {rps:,.0f} req/s = {medians[variant]:.1%} of hello "
            f"(rounds {', '.join(f'{s:.0%}' for s in shares)})"
            + (f", {errors} errors" if errors else "")
        )
    ratio = medians["with"] / medians["without"]
    spread = max(
        max(r["share"] for r in variants[v] if r.get("share"))
        / min(r["share"] for r in variants[v] if r.get("share"))
        - 1
        for v in VARIANTS
    )
    figures.append(f"with / without = {ratio:.2f} (rounds' own spread {spread:.0%})")
    within = abs(1 - ratio) <= max(spread, 0.05)
    return Row(NAME, f"{label}: with / without the beacon", "; ".join(figures),
               "unchanged within noise", within if len(variants["with"]) > 1 else None)  # fmt: skip


def _lighthouse_rows(result: dict, products: int) -> list[Row]:
    label = f"Lighthouse, shop page, {products:,} products"
    if "error" in result:
        return [failed(NAME, label, result["error"])]
    out = []
    categories = lighthouse.CATEGORIES
    for variant in VARIANTS:
        median = result[variant]
        if "error" in median:
            out.append(failed(NAME, f"{label}, {variant} the beacon", median["error"]))
            continue
        scores = " / ".join(str(median["scores"][n]) for n in categories)
        runs = ", ".join(map(str, median.get("performance_runs", [])))
        out.append(Row(
            NAME,
            f"{label}, {variant} the beacon: Performance / Accessibility / Best Practices / "
            f"SEO (Performance runs: {runs}); LCP / TBT",
            f"{scores}; {median['lcp_ms'] / 1000:.2f} s / {median['tbt_ms']:.0f} ms",
            "-",
        ))  # fmt: skip
    if all("error" not in result[v] for v in VARIANTS):
        with_, without = (result[v]["scores"] for v in VARIANTS)
        gaps = [(with_[n] or 0) - (without[n] or 0) for n in categories]
        out.append(Row(
            NAME, f"{label}: with minus without, per category (medians)",
            " / ".join(f"{gap:+d}" for gap in gaps), ">= -2 each",
            all(gap >= -2 for gap in gaps),
        ))  # fmt: skip
    return out


def _gzipped(reply) -> bool:
    return reply.headers.get("content-encoding") == "gzip"
