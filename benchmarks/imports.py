"""Catalog imports (issue 21): rows and photos per second, and the worker's peak memory.

Run alone: ``python -m benchmarks.imports [--quick]``. It makes its own workspace and
SQLite database, writes CSV files of 1,000 and 5,000 rows (the cap) without photos and
one of 200 rows whose photos a local HTTP server gives out (distinct JPEGs, so each
goes through the pipeline), and runs each import in a real ``flask --app shop jobs run``
process, whose peak resident memory is read from the kernel (wait4) when it exits.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .workspace import ROOT, Workspace, create_app

MEMORY_TARGET_MB = 300


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


def _import(app, workspace, shop_id: int, user_id: int, data: bytes) -> dict:
    from shop.extensions import db
    from shop.models import Job, Shop
    from shop.shops.imports import stage_upload
    from shop.shops.imports.job import start_import

    with app.test_request_context():
        token = stage_upload(shop_id, io.BytesIO(data))
        job_id = start_import(db.session.get(Shop, shop_id), user_id, token).id
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "shop", "jobs", "run"],
        env=workspace.env(IMPORT_FETCH_ALLOW_HOSTS="127.0.0.1"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, _status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    with app.app_context():
        job = db.session.get(Job, job_id)
        return {
            "seconds": round(seconds, 2),
            "state": job.state.value,
            "result": {k: v for k, v in (job.result or {}).items() if k != "skipped"},
            "peak_mb": round(usage.ru_maxrss / 1024, 1),
        }


def main(quick: bool = False) -> None:
    from flask_migrate import upgrade

    from shop.extensions import db
    from tests import factories

    workspace = Workspace.create()
    app = create_app(workspace)
    with app.app_context():
        upgrade()
        user = factories.make_user()
        shops = [factories.make_shop(user, slug=f"bench-{n}") for n in range(3)]
        db.session.commit()
        ids = [shop.id for shop in shops]
        user_id = user.id
    sizes = (100, 500, 20) if quick else (1000, 5000, 200)
    server = _server(sizes[2])
    base = f"http://127.0.0.1:{server.server_address[1]}"
    runs = [
        (f"{sizes[0]} rows, no photos", ids[0], _sheet(sizes[0], None, "A"), sizes[0], 0),
        (f"{sizes[1]} rows (the cap), no photos", ids[1], _sheet(sizes[1], None, "B"), sizes[1], 0),
        (f"{sizes[2]} rows with photos", ids[2], _sheet(sizes[2], base, "C"), sizes[2], sizes[2]),
    ]
    print(f"{'import':40} {'state':6} {'s':>7} {'rows/s':>8} {'photos/s':>9} {'peak MB':>8}")
    for label, shop_id, data, rows, photos in runs:
        figures = _import(app, workspace, shop_id, user_id, data)
        per_row = rows / figures["seconds"]
        per_photo = photos / figures["seconds"] if photos else 0
        print(
            f"{label:40} {figures['state']:6} {figures['seconds']:7.1f} {per_row:8.0f}"
            f" {per_photo:9.1f} {figures['peak_mb']:8.0f}"
            f"  (target ≤ {MEMORY_TARGET_MB} MB) {figures['result']}"
        )
    server.shutdown()
    workspace.remove()


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
