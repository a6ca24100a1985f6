"""ANALYTICS_BEACON=off: an operator who wants no counting at all (and the benchmarks'
shop page "without the beacon"). The pages carry no analytics script, events sent
anyway (a page kept from before) are answered as always and counted nowhere, and
pages kept by a server with the beacon on are never served by one with it off: the
setting is in the pages' ETag, and the disk page cache is shared and outlives restarts.
"""

from __future__ import annotations

import gzip
import uuid

import pytest
from flask import request

from shop import create_app
from shop.config import load_config
from shop.extensions import db
from tests.analytics.test_collection import PHONE_UA, counts, send, sources
from tests.conftest import VitrinaClient, _test_config
from tests.storefront.shopper import build_shop, orders

OFF = {"ANALYTICS_BEACON": False}


@pytest.fixture
def ids(app):
    return build_shop(app)


def page(client, path: str, **headers):
    response = client.get(path, headers={"User-Agent": PHONE_UA, **headers})
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return response, data.decode()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, True), ({"ANALYTICS_BEACON": "off"}, False), ({"ANALYTICS_BEACON": "0"}, False),
     ({"ANALYTICS_BEACON": "on"}, True), ({"ANALYTICS_BEACON": "ÓFF 🙃"}, False)],
)  # fmt: skip
def test_the_setting_is_on_unless_switched_off(tmp_path, environ, expected):
    assert load_config(str(tmp_path), environ)["ANALYTICS_BEACON"] is expected


@pytest.mark.parametrize("app_config", [OFF])
def test_switched_off_pages_carry_no_script_and_events_count_nothing(app, client, ids):
    seen = []
    app.before_request(lambda: seen.append(request.endpoint))
    for path in ("/s/tienda-sol", f"/s/tienda-sol/p/{ids.shirt}", "/s/tienda-sol/cart"):
        response, html = page(client, path)
        assert response.status_code == 200, path
        assert "shop-stats" not in html, path
        assert "data-beacon" not in html, path
    checkout = {
        "lines": [{"item_id": ids.shirt, "quantity": 1}],
        "shipping_method_id": ids.pickup,
        "name": "Ana 🛍️",
        "idempotency_key": uuid.uuid4().hex,
    }
    assert client.post("/s/tienda-sol/checkout", json=checkout).status_code == 200
    token = orders(app, ids.shop)[-1].token
    events = [
        {"k": "shop_view", "s": "instagram", "c": "bio"},
        {"k": "product_view", "i": ids.shirt},
        {"k": "add", "i": ids.shirt},
        {"k": "checkout"},
        {"k": "order", "o": token, "s": "instagram"},
        {"k": "whatsapp_again", "o": token},
    ]
    for event in events:
        response = send(client, event)
        assert response.status_code == 204
        assert "Set-Cookie" not in response.headers
    # No fast path in front of Flask: every event reached the view, which counted none.
    assert seen.count("storefront.beacon") == len(events)
    assert counts(app) == {}
    assert sources(app) == {}


def test_servers_with_and_without_the_beacon_never_share_a_kept_page(app, migrated, tmp_path, ids):
    shared = {"PAGE_CACHE": "disk", "PAGE_CACHE_DIR": str(tmp_path / "pages")}
    app.config.update(shared)
    off = create_app(_test_config(migrated, tmp_path / "media") | shared | OFF)
    off.test_client_class = VitrinaClient
    try:
        on_client, off_client = app.test_client(), off.test_client()
        for _ in range(2):  # the second request of each is answered from the kept page
            on_page, on_html = page(on_client, "/s/tienda-sol", **{"Accept-Encoding": "gzip"})
            off_page, off_html = page(off_client, "/s/tienda-sol", **{"Accept-Encoding": "gzip"})
            assert 'data-beacon="/s/tienda-sol/e"' in on_html
            assert "shop-stats" not in off_html
        assert on_page.headers["ETag"] != off_page.headers["ETag"]
        # A browser holding the page with the script revalidates into the page without it.
        revalidated = off_client.get(
            "/s/tienda-sol", headers={"If-None-Match": on_page.headers["ETag"]}
        )
        assert revalidated.status_code == 200
        assert (
            off_client.get(
                "/s/tienda-sol", headers={"If-None-Match": off_page.headers["ETag"]}
            ).status_code
            == 304
        )
    finally:
        with off.app_context():
            db.session.remove()
            db.engine.dispose()
