"""After a restore, every shop's catalog version jumps past those served before it."""

from __future__ import annotations

from shop.extensions import db
from shop.models import Shop
from shop.shops.restore import JUMP
from tests.storefront.shopper import build_shop


def test_after_restore_moves_every_catalog_version_and_every_etag(app, client):
    ids = build_shop(app)
    before = client.get("/s/tienda-sol").headers["ETag"]
    with app.app_context():
        versions = dict(db.session.execute(db.select(Shop.id, Shop.catalog_version)).all())

    result = app.test_cli_runner().invoke(args=["after-restore"])

    assert result.exit_code == 0, result.output
    assert "2 shops" in result.output
    with app.app_context():
        after = dict(db.session.execute(db.select(Shop.id, Shop.catalog_version)).all())
    assert after == {shop_id: version + JUMP for shop_id, version in versions.items()}
    again = client.get("/s/tienda-sol", headers={"If-None-Match": before})
    assert again.status_code == 200
    assert again.headers["ETag"] != before
    assert ids.shop in after
