"""A suspended shop's kept pages are never served again, by Flask or the fast path."""

from __future__ import annotations

from shop.extensions import db
from shop.shops.suspension import lift_suspension, suspend_shop
from shop.storefront.fast.page_cache import EXTENSION, LocalPages
from tests import factories


def test_suspension_drops_kept_pages_and_304s(app, other_shop):
    app.extensions[EXTENSION] = LocalPages()
    client = app.test_client()
    first = client.get("/s/tienda-sol")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert client.get("/s/tienda-sol").status_code == 200  # from the kept page
    assert client.get("/s/tienda-sol", headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        operator = factories.make_user(email="op@example.com")
        suspend_shop(db.session.get(factories.Shop, other_shop), operator, "spam")
        db.session.commit()
    assert client.get("/s/tienda-sol").status_code == 403
    assert client.get("/s/tienda-sol", headers={"If-None-Match": etag}).status_code == 403
    with app.app_context():
        lift_suspension(db.session.get(factories.Shop, other_shop))
        db.session.commit()
    assert client.get("/s/tienda-sol").status_code == 200
