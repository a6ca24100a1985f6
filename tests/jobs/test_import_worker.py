"""A real worker killed in the middle of an import: the next one finishes it, and every
item and photo exists once (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import io
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Image, Item, ItemPhoto, JobState, Shop
from shop.shops.imports import stage_upload
from shop.shops.imports.job import start_import
from tests import factories
from tests.dashboard.full_shop import jpeg
from tests.jobs.conftest import wait_for
from tests.jobs.test_workers import read

PHOTOS = 30


@pytest.fixture
def slow_photos():
    """Distinct JPEGs at /<n>.jpg, each served after 0.15 s: the import takes seconds."""
    bodies = {f"/{n}.jpg": jpeg((n * 8 % 256, 40, 90), size=(200, 150)) for n in range(PHOTOS)}

    class Slow(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(0.15)
            body = bodies.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def count(app, model, *where) -> int:
    with app.app_context():
        value = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.rollback()
        return value


def test_a_worker_killed_mid_import_is_replaced_without_duplicates(
    app, workers, slow_photos, monkeypatch
):
    monkeypatch.setenv("IMPORT_FETCH_ALLOW_HOSTS", "127.0.0.1")
    rows = "\n".join(f"Vaso {n},{n + 1},{slow_photos}/{n}.jpg" for n in range(PHOTOS))
    with app.test_request_context():
        user = factories.make_user()
        shop = factories.make_shop(user)
        db.session.commit()
        token = stage_upload(shop.id, io.BytesIO(f"name,price,image\n{rows}\n".encode()))
        job = start_import(db.session.get(Shop, shop.id), user.id, token)
        job_id, shop_id = job.id, shop.id
    first = workers.start()
    wait_for(lambda: read(app, job_id).done >= 1, what="a batch of photos")
    first.send_signal(signal.SIGKILL)
    first.wait()
    # Killed while running (or just after a failed try put it back in the queue).
    assert read(app, job_id).state in (JobState.RUNNING, JobState.QUEUED)
    assert count(app, Item, Item.shop_id == shop_id) == 0  # nothing shows before the end

    workers.start()
    wait_for(lambda: read(app, job_id).state is JobState.DONE, timeout=60, what="the import")
    job = read(app, job_id)
    assert job.tries >= 2
    assert job.result["created"] == PHOTOS
    assert count(app, Item, Item.shop_id == shop_id) == PHOTOS
    assert count(app, Image, Image.shop_id == shop_id) == PHOTOS
    mine = select(Item.id).where(Item.shop_id == shop_id)
    assert count(app, ItemPhoto, ItemPhoto.item_id.in_(mine)) == PHOTOS
