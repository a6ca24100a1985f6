"""Catalog imports (issue 21): rows and photos per second, and the worker's peak memory.

A row of ``make bench`` (``python -m benchmarks --only imports``), or alone:
``python -m benchmarks.imports [--quick]`` (its own SQLite workspace). It writes CSV
files of 1,000 and 5,000 rows (the cap) without photos, the cap again as XLSX, and one
of 200 rows whose photos a local HTTP server gives out (distinct JPEGs, so each goes
through the pipeline), and runs each import in a real ``flask --app shop jobs run``
process, which writes its own peak resident memory (VmHWM) as it exits
(``benchmarks.peak_memory``: wait4's figure would include the benchmark's own size).
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .report import Row, at_most, table
from .workspace import ROOT, Workspace, create_app

MEMORY_TARGET_MB = 300
TITLE = "Catalog import"
WORKER = ("flask", "--app", "shop", "jobs", "run")


def _jpeg(number: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    color = (number % 256, (number * 7) % 256, (number * 13) % 256)
    Image.new("RGB", (800, 600), color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _server(photos: int):
    bodies = {f"/{n}.jpg": _jpeg(n) for n in range(photos)}

    class Photos(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            body = bodies.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Photos)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def _sheet(rows: int, base: str | None, prefix: str) -> bytes:
    lines = ["Nombre;Precio;Categoría;Descripción;Código;Imagen"]
    for n in range(rows):
        image = f"{base}/{n}.jpg" if base else ""
        lines.append(f"{prefix} {n} ñ;{n % 500},50 €;Cat {n % 20};Texto {n};{prefix}-{n};{image}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _xlsx(rows: int) -> bytes:
    """The same plain sheet as an XLSX workbook (numbers as numbers)."""
    from tests.dashboard.workbooks import xlsx

    table = [["Nombre", "Precio", "Categoría", "Descripción", "Código"]]
    table += [
        [f"D {n} ñ", n % 500 + 0.5, f"Cat {n % 20}", f"Texto {n}", f"D-{n}"] for n in range(rows)
    ]
    return xlsx(table)


def _import(app, workspace, shop_id: int, user_id: int, data: bytes) -> dict:
    from shop.extensions import db
    from shop.models import Job, Shop
    from shop.shops.imports import stage_upload
    from shop.shops.imports.job import start_import

    with app.test_request_context():
        token = stage_upload(shop_id, io.BytesIO(data))
        job_id = start_import(db.session.get(Shop, shop_id), user_id, token).id
    peak_file = workspace.root / f"import-peak-{job_id}.txt"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "benchmarks.peak_memory", str(peak_file), *WORKER],
        env=workspace.env(IMPORT_FETCH_ALLOW_HOSTS="127.0.0.1"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    seconds = time.perf_counter() - started
    with app.app_context():
        job = db.session.get(Job, job_id)
        return {
            "seconds": round(seconds, 2),
            "state": job.state.value,
            "result": {k: v for k, v in (job.result or {}).items() if k not in ("skipped", "undo")},
            "peak_mb": round(int(peak_file.read_text()) / 1024, 1),
        }


def _worker_seconds(workspace) -> float:
    """How long `flask jobs run` takes with an empty queue: its start-up, for scale."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", *WORKER],
        env=workspace.env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - started


def _shops(count: int) -> tuple[list[int], int]:
    """A merchant with `count` empty EUR shops in the run's database."""
    from shop.extensions import db
    from shop.models import Shop, User

    user = User(oidc_issuer="https://bench.test", oidc_subject="importer", email="i@example.com")
    shops = [
        Shop(
            owner=user,
            slug=f"import-bench-{n}",
            name=f"Import {n}",
            whatsapp="+34612345678",
            currency="EUR",
            language="es",
        )
        for n in range(count)
    ]
    db.session.add_all(shops)
    db.session.commit()
    return [shop.id for shop in shops], user.id


def run(data, quick: bool = False) -> tuple[dict, list[Row]]:
    """Four imports, each in its own worker process: 1,000 rows, the 5,000-row cap as
    CSV and as XLSX, and 200 rows whose photos a local server gives out."""
    app = create_app(data.workspace)
    with app.app_context():
        ids, user_id = _shops(4)
    sizes = (100, 500, 20) if quick else (1000, 5000, 200)
    server = _server(sizes[2])
    base = f"http://127.0.0.1:{server.server_address[1]}"
    cap = "" if quick else " (the cap)"
    runs = [
        (f"{sizes[0]} rows, no photos (CSV)", _sheet(sizes[0], None, "A"), sizes[0], 0),
        (f"{sizes[1]} rows{cap}, no photos (CSV)", _sheet(sizes[1], None, "B"), sizes[1], 0),
        (f"{sizes[1]} rows{cap}, no photos (XLSX)", _xlsx(sizes[1]), sizes[1], 0),
        (
            f"{sizes[2]} rows with photos from a local server",
            _sheet(sizes[2], base, "C"),
            *sizes[2:] * 2,
        ),
    ]
    idle = _worker_seconds(data.workspace)
    results: dict = {"worker_start_seconds": round(idle, 2)}
    rows = [
        Row(TITLE, "a worker's start-up with nothing to do (in every time below)", f"{idle:.1f} s")
    ]
    try:
        for shop_id, (label, file, count, photos) in zip(ids, runs, strict=True):
            figures = _import(app, data.workspace, shop_id, user_id, file)
            results[label] = figures
            done = figures["state"] == "done"
            speed = f"{count / figures['seconds']:.0f} rows/s"
            if photos:
                speed += f", {photos / figures['seconds']:.1f} photos/s"
            rows.append(
                Row(
                    TITLE,
                    f"{label}: time (worker start-up included)",
                    f"{figures['seconds']:.1f} s ({speed})" if done else f"job {figures['state']}",
                    "",
                    None if done else False,
                )
            )
            rows.append(
                Row(
                    TITLE,
                    f"{label}: worker's peak memory (RSS)",
                    f"{figures['peak_mb']:.0f} MB",
                    f"≤ {MEMORY_TARGET_MB} MB",
                    at_most(figures["peak_mb"], MEMORY_TARGET_MB),
                )
            )
    finally:
        server.shutdown()
    return results, rows


def main(quick: bool = False) -> None:
    """Run alone, on a fresh SQLite workspace: the same rows, printed as a table."""
    from types import SimpleNamespace

    from flask_migrate import upgrade

    workspace = Workspace.create()
    app = create_app(workspace)
    with app.app_context():
        upgrade()
    try:
        _results, rows = run(SimpleNamespace(workspace=workspace), quick=quick)
        print(table(rows))
    finally:
        workspace.remove()


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
