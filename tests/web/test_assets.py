"""Static files under content-hashed names are cached for a year; media likewise."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from pathlib import Path

import pytest
from flask import render_template_string, url_for

from shop.extensions import db
from shop.media.pipeline import ingest
from shop.models import Shop
from shop.web import assets
from tests import factories
from tests.storefront.shopper import build_shop, jpeg_bytes

STATIC = Path(__file__).resolve().parents[2] / "static"
GZIP = {"Accept-Encoding": "gzip"}


def digest(path: str) -> str:
    return hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[: assets.DIGEST_LENGTH]


def test_static_urls_carry_the_files_hash(app):
    with app.test_request_context():
        expected = f"/static/css/shop.{digest('css/shop.css')}.css"
        assert url_for("static", filename="css/shop.css") == expected
        assert render_template_string("{{ asset_url('css/shop.css') }}") == expected
        assert url_for("static", filename="js/cart.js").endswith(f"cart.{digest('js/cart.js')}.js")
        assert url_for("static", filename="nope.css") == "/static/nope.css"


def test_fingerprinted_files_are_cached_for_a_year(app, client):
    with app.test_request_context():
        url = url_for("static", filename="css/shop.css")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.data == (STATIC / "css/shop.css").read_bytes()
    assert response.mimetype == "text/css"


def test_plain_names_and_old_hashes_are_served_with_a_short_cache(app, client):
    plain = client.get("/static/css/shop.css")
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == assets.SHORT
    old = client.get("/static/css/shop.0123456789.css")  # a page cached before a deploy
    assert old.status_code == 200
    assert old.headers["Cache-Control"] == assets.SHORT
    assert old.data == plain.data


def test_static_files_are_the_same_for_every_visitor(app, client, merchant):
    """No `Vary: Cookie` and no cookie, even for a signed-in merchant: a CDN that honours
    Vary would otherwise keep one copy per visitor of every script and style sheet."""
    with app.test_request_context():
        hashed = url_for("static", filename="js/cart.js")
    for url in (hashed, "/static/css/shop.css", "/static/nope.css"):
        response = client.get(url, headers=GZIP)
        assert "Cookie" not in response.vary, url
        assert "Set-Cookie" not in response.headers, url


@pytest.mark.parametrize(
    "path",
    [
        "/static/css/none.css",
        "/static/css/none.0123456789.css",
        "/static/../shop/config.py",
        "/static/%2e%2e/shop/config.py",
        "/static/css",
    ],
)
def test_unknown_or_outside_files_are_404(client, path):
    assert client.get(path).status_code == 404


def test_text_files_travel_compressed_with_their_own_etag(app, client):
    with app.test_request_context():
        url = url_for("static", filename="js/cart.js")
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["ETag"] != plain.headers["ETag"]
    for response, headers in ((plain, {}), (packed, GZIP)):
        again = client.get(url, headers={**headers, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        assert again.headers["Cache-Control"] == assets.IMMUTABLE
        assert "Content-Encoding" not in again.headers


def test_a_changed_file_gets_a_new_url(app, tmp_path):
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    sheet = folder / "css" / "site.css"
    sheet.write_text("body { color: red; }")
    app.extensions[assets.EXTENSION] = assets.Assets(str(folder))
    client = app.test_client()
    with app.test_request_context():
        first = url_for("static", filename="css/site.css")
        sheet.write_text("body { color: blue; }  /* a longer file */")
        second = url_for("static", filename="css/site.css")
    assert first != second
    assert client.get(second).headers["Cache-Control"] == assets.IMMUTABLE
    assert client.get(first).headers["Cache-Control"] == assets.SHORT
    assert b"blue" in client.get(first).data


def test_every_page_links_fingerprinted_styles_and_scripts(app, client):
    build_shop(app)
    pattern = re.compile(r'(?:href|src)="(/static/[^"]+)"')
    for path in ("/s/tienda-sol", "/s/tienda-sol/cart", "/", "/login-problem-does-not-exist"):
        for url in pattern.findall(client.get(path).get_data(as_text=True)):
            assert re.search(r"\.[0-9a-f]{10}\.(css|js|svg|png|ico)$", url), (path, url)
            assert client.get(url).headers["Cache-Control"] == assets.IMMUTABLE


def test_media_renditions_are_cached_for_a_year(app, client):
    with app.app_context():
        shop = factories.make_shop(factories.make_user())
        image = ingest(shop, io.BytesIO(jpeg_bytes()))
        db.session.commit()
        key = image.key
        assert db.session.get(Shop, shop.id) is not None
    response = client.get(f"/media/{key}-320.webp")
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "immutable" in cache_control
    assert "max-age=31536000" in cache_control
    assert "public" in cache_control


def test_asset_urls_are_url_fors_and_follow_a_changed_file(app, tmp_path):
    """asset_url keeps each file's URL, by its content and the app's root path: always
    what url_for writes, a new one when the file changes, another under a prefix."""
    folder = tmp_path / "static"
    (folder / "js").mkdir(parents=True)
    script = folder / "js" / "cart.js"
    script.write_text("console.log('uno')")
    app.extensions[assets.EXTENSION] = assets.Assets(str(folder))
    with app.test_request_context():
        first = assets.asset_url("js/cart.js")
        assert first == url_for("static", filename="js/cart.js")
        assert assets.asset_url("js/cart.js") == first
        script.write_text("console.log('dos, más largo 🌻')")
        second = assets.asset_url("js/cart.js")
        assert second != first
        assert second == url_for("static", filename="js/cart.js")
        assert assets.asset_url("js/missing.js") == url_for("static", filename="js/missing.js")
    with app.test_request_context(base_url="http://localhost/tienda/"):
        prefixed = assets.asset_url("js/cart.js")
        assert prefixed == "/tienda" + second == url_for("static", filename="js/cart.js")


@pytest.mark.parametrize(
    ("base_url", "external"),
    [
        ("http://localhost", False),
        ("http://localhost", True),
        ("https://tienda.example.shop", True),
        ("http://localhost/prefijo/", False),
        ("https://otra.example:8443/prefijo/", True),
    ],
)
def test_media_urls_are_the_ones_url_for_makes(app, base_url, external):
    """media_url keeps the app's media URL prefix per address a request came to: the
    same URL url_for writes, for every address, and url_for itself for other names."""
    from shop.media.urls import media_url

    names = ("a" * 64 + "-320.webp", "b" * 64 + "-og.jpg", "not a name/../x", "ñandú 🌻.webp")
    with app.test_request_context("/", base_url=base_url):
        for name in names:
            expected = url_for("media.serve", name=name, _external=external)
            assert media_url(name, external) == expected
            assert media_url(name, external) == expected  # from the kept prefix
        assert list(app.extensions["vitrina.media_patterns"].values()) != [None]
