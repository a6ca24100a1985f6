"""Public pages are cacheable by anyone: ETags, 304s, and never a cookie."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from shop.extensions import db
from shop.models import Item, Shop
from shop.storefront.fast import caching
from shop.web.caching import PUBLIC_CACHE
from tests import factories
from tests.storefront.shopper import build_shop, post_cart


@pytest.fixture
def ids(app):
    return build_shop(app)


def _public_paths(ids) -> list[str]:
    return [
        "/s/tienda-sol",
        "/s/tienda-sol?q=gorra",
        f"/s/tienda-sol/p/{ids.shirt}",
        "/s/tienda-sol/cart",
    ]


def test_public_pages_send_cache_control_and_an_etag(client, ids):
    for path in _public_paths(ids):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == PUBLIC_CACHE, path
        assert response.headers["ETag"], path


def test_answers_304_when_nothing_changed(app, client, ids):
    for path in _public_paths(ids):
        etag = client.get(path).headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == PUBLIC_CACHE


def test_a_weakened_etag_still_matches(client, ids):
    etag = client.get("/s/tienda-sol").headers["ETag"]
    assert client.get("/s/tienda-sol", headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    listed = f'"other", W/{etag}'
    assert client.get("/s/tienda-sol", headers={"If-None-Match": listed}).status_code == 304


def test_a_catalog_change_gives_every_page_a_new_etag(app, client, ids):
    before = {path: client.get(path).headers["ETag"] for path in _public_paths(ids)}
    with app.app_context():
        db.session.get(Item, ids.shirt).price_minor += 100  # any change a shopper sees
        db.session.commit()
    for path, etag in before.items():
        response = client.get(path, headers={"If-None-Match": etag})
        assert response.status_code == 200, path
        assert response.headers["ETag"] != etag


def test_etags_differ_between_pages_shops_searches_and_code_versions(app, client, ids, monkeypatch):
    etags = {client.get(path).headers["ETag"] for path in _public_paths(ids)}
    etags.add(client.get("/s/otra-tienda").headers["ETag"])
    etags.add(client.get(f"/s/tienda-sol/p/{ids.cap}").headers["ETag"])
    assert len(etags) == 6
    shop_etag = client.get("/s/tienda-sol").headers["ETag"]
    monkeypatch.setattr(caching, "code_version", lambda: "a-new-deploy")
    assert client.get("/s/tienda-sol").headers["ETag"] != shop_etag


def test_a_304_costs_only_the_shop_lookup(app, client, ids):
    etag = client.get("/s/tienda-sol").headers["ETag"]
    statements = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/s/tienda-sol", headers={"If-None-Match": etag}).status_code == 304
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1


def test_no_public_page_sets_a_cookie_or_varies_on_one(app, client, ids, sign_in_as):
    with app.app_context():
        merchant = factories.make_user()
        db.session.commit()
        merchant_id = merchant.id
    anonymous = app.test_client()
    signed_in = app.test_client()
    sign_in_as(signed_in, merchant_id)
    paths = [*_public_paths(ids), f"/s/tienda-sol/p/{ids.shirt}/order", "/s/nope", "/o/nope"]
    for browser in (anonymous, signed_in):
        for path in paths:
            response = browser.get(path)
            assert "Set-Cookie" not in response.headers, path
            assert "Cookie" not in response.headers.get("Vary", ""), path
        response = post_cart(browser, ids)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        order_page = browser.get(response.get_json()["order_url"])
        assert "Set-Cookie" not in order_page.headers


def test_public_pages_cannot_write_the_session(app, ids):
    from flask import session

    with app.test_request_context("/s/tienda-sol"):
        app.preprocess_request()
        with pytest.raises(RuntimeError):
            session["anything"] = 1


def test_old_link_redirects_are_asked_again_each_time(app, client, ids):
    """The merchant may take the old slug back: no cache may keep sending shoppers away."""
    from shop.shops.settings import change_slug

    with app.app_context():
        change_slug(db.session.get(Shop, ids.shop), "sol-nuevo")
        db.session.commit()
    response = client.get("/s/tienda-sol")
    assert response.status_code == 301
    assert response.headers["Location"] == "/s/sol-nuevo"
    assert response.headers["Cache-Control"] == "no-cache"
    # Another spelling of the current slug is a redirect that never changes.
    response = client.get("/s/SOL-NUEVO")
    assert response.headers["Location"] == "/s/sol-nuevo"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    # Taken back: the old link is the shop again, the new one redirects to it.
    with app.app_context():
        change_slug(db.session.get(Shop, ids.shop), "tienda-sol")
        db.session.commit()
    assert client.get("/s/tienda-sol").status_code == 200
    response = client.get("/s/sol-nuevo")
    assert response.headers["Location"] == "/s/tienda-sol"
    assert response.headers["Cache-Control"] == "no-cache"


def test_a_trailing_slash_redirects_to_the_shop(client, ids):
    response = client.get("/s/tienda-sol/?utm_source=ig")
    assert response.status_code == 301
    assert response.headers["Location"] == "/s/tienda-sol?utm_source=ig"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get("/s/no-such-shop/", follow_redirects=True).status_code == 404
