"""Two app servers, one database, one bucket: what one writes, the other serves at once.

Two real gunicorn processes (different ports, their own instance folders) share the
test database (PostgreSQL when TEST_DATABASE_URL is set, else one SQLite file), a
real S3 server and, in the "redis" runs, one Redis for page caches and rate limits
(without it each server caches pages in its own memory). Nothing a request needs may
live on one server's machine, and no cache may serve a page older than the database.
"""

from __future__ import annotations

import os
import re
import secrets

import pytest
import redis
import requests
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from shop.auth.sessions import start_session
from shop.config import load_config
from shop.extensions import db
from shop.models import Item
from tests import factories
from tests.conftest import TEST_SECRET, skip_without_service
from tests.media import images
from tests.production.object_store import AWS_ENV, keys, s3_client, s3_settings
from tests.production.servers import REDIS_SERVER, app_servers, redis_server

SLUG = "dos-servidores"
TIMEOUT = 30  # per HTTP request


def server_env(
    database_url: str, endpoint: str, bucket: str, redis_url: str | None
) -> dict[str, str]:
    """A production environment, as an operator would write it."""
    settings = s3_settings(endpoint, bucket)
    del settings["MEDIA_BASE_URL"]  # the app streams media from the bucket itself
    if redis_url:
        settings["REDIS_URL"] = redis_url
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "VITRINA_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "GOOGLE_CLIENT_ID": "vitrina-test-client",
        "GOOGLE_CLIENT_SECRET": "vitrina-test-secret",
        "OIDC_DISCOVERY_URL": "http://127.0.0.1:9/.well-known/openid-configuration",
        **settings,
        **AWS_ENV,
    }


@pytest.fixture(params=["own-memory", "redis"])
def redis_url(request, tmp_path):
    """None (each server keeps its own page cache), or a shared Redis's URL."""
    if request.param == "own-memory":
        yield None
        return
    if REDIS_SERVER is None:
        skip_without_service("redis-server is not installed (apt-get install redis-server)")
    with redis_server(tmp_path) as url:
        yield url


@pytest.fixture
def env(app, endpoint, bucket, redis_url):
    return server_env(app.config["SQLALCHEMY_DATABASE_URI"], endpoint, bucket, redis_url)


@pytest.fixture
def servers(env, tmp_path):
    with app_servers({"a": env, "b": env}, tmp_path) as (a, b):
        yield a, b


@pytest.fixture
def merchant_cookie(app, env, tmp_path):
    """A merchant with a shop, signed in: the session row is made here, in the shared
    database, and the cookie signed with the servers' SECRET_KEY (as the browser tests do).
    Returns (headers, csrf_token)."""
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user, slug=SLUG, name="Dos Servidores", language="en")
        token = start_session(user)
        db.session.commit()
    raw = secrets.token_hex(20)
    with app.test_request_context():
        serializer = app.session_interface.get_signing_serializer(app)
        cookie = serializer.dumps({"_user_id": token, "_fresh": True, "csrf_token": raw})
    csrf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    name = load_config(str(tmp_path), environ=env)["SESSION_COOKIE_NAME"]  # the servers' name
    return {"Cookie": f"{name}={cookie}", "Accept-Language": "en"}, csrf


def item_form(csrf: str, **fields) -> dict:
    values = {
        "csrf_token": csrf,
        "name": "Lámina Espresso",
        "description": "Impresión giclée",
        "price": "15.00",
        "compare_at": "",
        "code": "SOL-1",
        "category": "",
        "availability": "available",
    }
    return values | fields


def item_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Item.id).where(Item.code == "SOL-1"))


def test_a_product_made_on_one_server_is_served_with_its_photo_by_the_other(
    app, servers, merchant_cookie, endpoint, bucket
):
    a, b = servers
    headers, csrf = merchant_cookie
    photo = images.encode(images.real_photo(1300, 975))

    created = requests.post(
        f"{a.url}/dashboard/items/new",
        data=item_form(csrf),
        files={"photos": ("espresso.jpg", photo, "image/jpeg")},
        headers=headers,
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert created.status_code == 302, a.output()

    page = requests.get(f"{b.url}/s/{SLUG}", headers={"Accept-Language": "en"}, timeout=TIMEOUT)
    assert page.status_code == 200
    assert "Lámina Espresso" in page.text
    assert "€15.00" in page.text
    src = re.search(r'<img class="card-image" src="(/media/[0-9a-f]{64}-320\.webp)"', page.text)
    assert src, page.text

    picture = requests.get(f"{b.url}{src.group(1)}", timeout=TIMEOUT)
    assert picture.status_code == 200
    assert picture.headers["Content-Type"] == "image/webp"
    assert picture.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    name = src.group(1).removeprefix("/media/")
    assert picture.content == s3_client(endpoint).get_object(Bucket=bucket, Key=name)["Body"].read()
    assert requests.get(f"{a.url}{src.group(1)}", timeout=TIMEOUT).content == picture.content

    product = requests.get(f"{b.url}/s/{SLUG}/p/{item_id(app)}", timeout=TIMEOUT)
    og = re.search(r'<meta property="og:image" content="([^"]+)"', product.text).group(1)
    assert og.startswith(f"{b.url}/media/")
    assert requests.get(og, timeout=TIMEOUT).status_code == 200

    # Nothing landed on either machine: every file is in the bucket.
    assert name in keys(endpoint, bucket)
    for server in servers:
        assert not [p for p in (server.folder / "media").rglob("*") if p.is_file()]


def test_a_price_changed_on_one_server_is_never_stale_on_the_other(
    app, servers, merchant_cookie, redis_url
):
    a, b = servers
    headers, csrf = merchant_cookie
    created = requests.post(
        f"{a.url}/dashboard/items/new",
        data=item_form(csrf),
        headers=headers,
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert created.status_code == 302, a.output()
    edit = f"/dashboard/items/{item_id(app)}/edit"
    product = f"/s/{SLUG}/p/{item_id(app)}"

    for round_, (writer, reader, price) in enumerate(
        [(a, b, "25.00"), (b, a, "26.50"), (a, b, "27.00"), (b, a, "9.99")]
    ):
        for server in servers:  # every cache warm with the old page
            for path in (f"/s/{SLUG}", f"/s/{SLUG}", product):
                assert requests.get(f"{server.url}{path}", timeout=TIMEOUT).status_code == 200
        before = requests.get(f"{reader.url}/s/{SLUG}", timeout=TIMEOUT)
        old_etag = before.headers.get("ETag")

        changed = requests.post(
            f"{writer.url}{edit}",
            data=item_form(csrf, price=price),
            headers=headers,
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert changed.status_code == 302, (round_, writer.output())

        fresh = requests.get(f"{reader.url}/s/{SLUG}", timeout=TIMEOUT)
        assert f"€{price}" in fresh.text, round_
        assert before.text != fresh.text
        if old_etag:
            # A browser or CDN revalidating its old copy must get the new page, not a 304.
            revalidated = requests.get(
                f"{reader.url}/s/{SLUG}", headers={"If-None-Match": old_etag}, timeout=TIMEOUT
            )
            assert revalidated.status_code == 200, round_
            assert f"€{price}" in revalidated.text
        assert f"€{price}" in requests.get(f"{reader.url}{product}", timeout=TIMEOUT).text
    if redis_url:
        # The servers did share Redis: the pages they cached are there (PAGE_CACHE_PREFIX).
        assert list(redis.Redis.from_url(redis_url).scan_iter("vitrina:*", count=1000))
