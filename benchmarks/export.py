"""A 1,000-product shop exported by the background job: wall time and the worker's memory.

It builds its own shop in the run's database: 1,000 products, each with one photo whose
largest rendition is 90 KB of incompressible bytes (what a 1280 px WebP weighs), written
straight to media storage (the photo pipeline has its own benchmark). The export runs in a
real worker process (`flask --app shop jobs worker`), timed from the click (the job
queued) to the job's row saying done; the worker's peak resident memory is read from
/proc (VmHWM) before it stops. The direct download of the same shop is timed beside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .report import Row, at_most
from .workspace import ROOT, create_app

ITEMS = 1000
PHOTO_BYTES = 90_000
SECONDS_TARGET = 60.0
MEMORY_TARGET_MB = 256
TITLE = "Export job"


def run(data, quick: bool = False) -> tuple[dict, list[Row]]:
    items = 50 if quick else ITEMS
    app = create_app(data.workspace)
    with app.app_context():
        shop_id, user_id = _build(items)
    log = data.workspace.root / "export-worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "shop", "jobs", "worker"],
        env=data.workspace.env(),
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        seconds, state = _export_in_background(app, shop_id, user_id)
        peak_mb = _peak_memory_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    direct = _export_directly(app, shop_id)
    results = {
        "items": items,
        "photo_bytes": PHOTO_BYTES,
        "job_seconds": round(seconds, 2),
        "job_state": state,
        "worker_peak_mb": round(peak_mb, 1),
        "direct_seconds": round(direct, 2),
    }
    rows = [
        Row(
            TITLE,
            f"{items} products with photos, from the click to the file",
            f"{seconds:.1f} s" if state == "done" else f"job {state}",
            f"≤ {SECONDS_TARGET:.0f} s",
            at_most(seconds, SECONDS_TARGET) if state == "done" else False,
        ),
        Row(
            TITLE,
            "worker's peak memory (RSS)",
            f"{peak_mb:.0f} MB",
            f"≤ {MEMORY_TARGET_MB} MB",
            at_most(peak_mb, MEMORY_TARGET_MB),
        ),
        Row(TITLE, "the same ZIP as a direct download (for comparison)", f"{direct:.1f} s"),
    ]
    return results, rows


def _build(items: int) -> tuple[int, int]:
    """A merchant and a shop of `items` products, each with its own photo in storage."""
    from shop.extensions import db
    from shop.media.names import rendition_name
    from shop.media.storage import get_storage
    from shop.models import Image, Item, ItemPhoto, Shop, User

    user = User(oidc_issuer="https://bench.test", oidc_subject="exporter", email="e@example.com")
    shop = Shop(
        owner=user, slug="export-bench", name="Export bench", whatsapp="+34612345678",
        currency="EUR", language="es",
    )  # fmt: skip
    db.session.add(shop)
    db.session.flush()
    storage = get_storage()
    for n in range(items):
        key = hashlib.sha256(f"export-bench-{n}".encode()).hexdigest()
        storage.save(rendition_name(key, 1280), os.urandom(PHOTO_BYTES))
        image = Image(shop_id=shop.id, key=key, width=1280, height=1280, widths=[320, 640, 1280])
        item = Item(shop_id=shop.id, name=f"Producto {n} ☕", price_minor=1000 + n, position=n)
        db.session.add_all([image, item])
        db.session.flush()
        db.session.add(ItemPhoto(item_id=item.id, image_id=image.id, position=0))
    db.session.commit()
    return shop.id, user.id


def _export_in_background(app, shop_id: int, user_id: int) -> tuple[float, str]:
    from shop.extensions import db
    from shop.models import Job, Shop
    from shop.shops.export_job import start_export

    with app.test_request_context():
        started = time.perf_counter()
        job_id = start_export(db.session.get(Shop, shop_id), user_id, "").id
    deadline = started + 600
    while time.perf_counter() < deadline:
        with app.app_context():
            state = db.session.get(Job, job_id).state.value
        if state in ("done", "failed"):
            return time.perf_counter() - started, state
        time.sleep(0.05)
    return time.perf_counter() - started, "timed out"


def _peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _export_directly(app, shop_id: int) -> float:
    from shop.extensions import db
    from shop.models import Shop
    from shop.shops.archive import write_archive

    with app.test_request_context(), tempfile.TemporaryFile() as target:
        started = time.perf_counter()
        write_archive(db.session.get(Shop, shop_id), target)
        return time.perf_counter() - started
