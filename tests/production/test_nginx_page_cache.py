"""The deploy guide's nginx page cache, run for real in front of the app: a shop page is
served from nginx's cache, whatever tracking parameters a social network added, and a
price change shows once the page's max-age is over (nginx revalidates with the ETag).

nginx's caching does not depend on the database: this runs in the SQLite pass of CI only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from shop.extensions import db
from shop.models import Item
from tests import factories
from tests.conftest import skip_without_service
from tests.production.servers import free_port

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
MAX_AGE = 60  # shop.web.caching.PUBLIC_CACHE

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="nginx's page cache does not depend on the database (the SQLite run covers it)",
)


def guide_part(pattern: str) -> str:
    found = re.search(pattern, GUIDE, re.S)
    assert found, f"the deploy guide lost {pattern!r}"
    return found.group(0)


@pytest.fixture
def nginx_in_front(app, tmp_path):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        skip_without_service("nginx is not installed (apt-get install nginx-light)")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = free_port()
    cache_path = guide_part(r"proxy_cache_path [^;]*;").replace(
        "/var/cache/nginx/vitrina", str(tmp_path / "cache")
    )
    page_args = guide_part(r"map \$args \$vitrina_page_args \{.*?\n\}")
    cached_location = guide_part(r"location /s/ \{.*?\n    \}")
    config = f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
    {cache_path}
    {page_args}
    upstream vitrina {{ server 127.0.0.1:{server.server_port}; }}
    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        {cached_location}
    }}
}}
"""
    (tmp_path / "nginx.conf").write_text(config)
    process = subprocess.Popen(
        [
            nginx,
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-g",
            "daemon off; master_process off;",
        ],
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            requests.get(base, timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.05)
    yield base
    process.terminate()
    process.wait(timeout=10)
    server.shutdown()


def nginx_errors() -> str:
    logs = sorted(
        Path("/tmp").glob("pytest-of-*/pytest-*/*/error.log"), key=lambda p: p.stat().st_mtime
    )
    return logs[-1].read_text()[-2000:] if logs else ""


def get(url: str) -> requests.Response:
    return requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)


def test_a_shop_page_is_served_from_nginx_and_a_price_change_shows_after_max_age(
    app, nginx_in_front
):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="viral")
        item = factories.make_item(shop, name="Taza viral", price_minor=1000)
        db.session.commit()
        item_id = item.id
    page = f"{nginx_in_front}/s/viral"

    first = get(page)
    cached_at = time.monotonic()
    assert first.status_code == 200, nginx_errors()
    assert first.headers["X-Cache-Status"] == "MISS"
    assert "10,00" in first.text
    assert get(page).headers["X-Cache-Status"] == "HIT"
    # What Instagram, Facebook and Google add to a shared link does not miss the cache.
    for tracked in ("?utm_source=ig&utm_medium=story", "?fbclid=IwAR3x", "?igshid=abc&gclid=1"):
        response = get(page + tracked)
        assert response.headers["X-Cache-Status"] == "HIT", tracked
    # A search is its own page.
    search = get(page + "?q=taza&utm_source=ig")
    assert search.headers["X-Cache-Status"] == "MISS"
    assert "Taza viral" in search.text

    with app.app_context():
        db.session.get(Item, item_id).price_minor = 1250
        db.session.commit()
    assert "10,00" in get(page).text  # within the page's max-age, the kept copy
    time.sleep(max(0.0, cached_at + MAX_AGE + 1 - time.monotonic()))
    fresh = get(page)
    assert fresh.headers["X-Cache-Status"] in ("EXPIRED", "REVALIDATED")
    assert "12,50" in fresh.text
    assert get(page).headers["X-Cache-Status"] == "HIT"


def test_checkout_posts_and_personal_pages_never_come_from_the_cache(app, nginx_in_front):
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="viral")
        db.session.commit()
    for _ in range(2):
        response = requests.post(f"{nginx_in_front}/s/viral/checkout", data={}, timeout=10)
        assert response.headers.get("X-Cache-Status") in (None, "MISS", "BYPASS")
    gone = get(f"{nginx_in_front}/s/no-such-shop")
    assert gone.status_code == 404
    assert get(f"{nginx_in_front}/s/no-such-shop").headers.get("X-Cache-Status") != "HIT"
