"""A shared link's ``?code=VERANO10`` leaves the shop's pages as they are: the fast
path's cache key ignores it, so the kept page is served to everyone, with no cookie and
its public Cache-Control; only the browser reads the code (static/js/cart.js)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from shop.extensions import db
from tests.storefront.shopper import build_shop


@pytest.fixture
def ids(app):
    app.config["PAGE_CACHE"] = "local"  # TESTING apps keep no pages; these tests need it
    return build_shop(app)


@contextmanager
def counting(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("page", ["", "/p/{shirt}", "/cart"])
@pytest.mark.parametrize("query", ["code=VERANO10", "code=%F0%9F%8C%B5&utm_source=instagram"])
def test_a_code_link_is_served_the_kept_page(app, client, ids, page, query):
    path = "/s/tienda-sol" + page.format(shirt=ids.shirt)
    plain = client.get(path)
    assert plain.status_code == 200
    with counting(app) as statements:
        linked = client.get(f"{path}?{query}")
    assert linked.status_code == 200
    assert len(statements) == 1  # the shop's catalog version; the page came from the cache
    assert linked.data == plain.data
    assert linked.headers["ETag"] == plain.headers["ETag"]
    assert linked.headers["Cache-Control"] == plain.headers["Cache-Control"]
    assert "public" in linked.headers["Cache-Control"]
    assert "Set-Cookie" not in linked.headers
    assert "Cookie" not in linked.headers.get("Vary", "")
    assert "VERANO10" not in linked.get_data(as_text=True)


def test_a_code_link_asks_the_browser_for_its_copy_with_the_same_etag(client, ids):
    etag = client.get("/s/tienda-sol").headers["ETag"]
    again = client.get("/s/tienda-sol?code=VERANO10", headers={"If-None-Match": etag})
    assert again.status_code == 304
