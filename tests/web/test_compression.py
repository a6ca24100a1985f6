"""Text responses travel gzip-compressed when the browser takes it, and only then."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from flask import Response

from shop.extensions import db
from shop.media.pipeline import ingest
from shop.models import Shop
from shop.web.compression import MIN_SIZE, compress_response, gzip_accepted
from tests.storefront.shopper import build_shop, jpeg_bytes

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def ids(app):
    return build_shop(app)


@pytest.mark.parametrize("cache", ["off", "local"])
def test_pages_decode_back_to_the_same_page(app, client, ids, cache):
    app.config["PAGE_CACHE"] = cache
    for path in ("/s/tienda-sol", f"/s/tienda-sol/p/{ids.shirt}", "/s/tienda-sol/cart"):
        for _ in range(2):  # rendered, then (with a cache) kept
            plain = client.get(path)
            packed = client.get(path, headers=GZIP)
            assert packed.headers["Content-Encoding"] == "gzip", path
            assert gzip.decompress(packed.data) == plain.data, path
            assert int(packed.headers["Content-Length"]) == len(packed.data)
            assert len(packed.data) < len(plain.data) / 2
            for response in (plain, packed):
                assert "Accept-Encoding" in response.headers["Vary"], path
            assert "Content-Encoding" not in plain.headers


def test_the_compressed_page_carries_the_weak_form_of_the_etag(app, client, ids):
    plain = client.get("/s/tienda-sol").headers["ETag"]
    packed = client.get("/s/tienda-sol", headers=GZIP).headers["ETag"]
    assert not plain.startswith("W/")
    assert packed == f"W/{plain}"
    for etag in (plain, packed):
        for headers in ({}, GZIP):
            again = client.get("/s/tienda-sol", headers={**headers, "If-None-Match": etag})
            assert again.status_code == 304


def test_other_text_responses_are_compressed_after_the_view(app, client, ids):
    sitemap = client.get("/sitemap.xml", headers=GZIP)
    assert sitemap.headers["Content-Encoding"] == "gzip"
    assert b"<urlset" in gzip.decompress(sitemap.data)
    assert sitemap.headers["ETag"].startswith("W/")
    feed = client.get("/s/tienda-sol/catalog.csv", headers=GZIP)
    assert feed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(feed.data) == client.get("/s/tienda-sol/catalog.csv").data
    missing = client.get("/s/no-such-shop", headers=GZIP)
    assert missing.status_code == 404
    assert gzip.decompress(missing.data).startswith(b"<!doctype html>")


def test_small_and_binary_responses_are_left_alone(app, client, ids):
    health = client.get("/healthz", headers=GZIP)
    assert len(health.data) < MIN_SIZE
    assert "Content-Encoding" not in health.headers
    with app.app_context():
        image = ingest(db.session.get(Shop, ids.shop), io.BytesIO(jpeg_bytes()))
        db.session.commit()
        key = image.key
    photo = client.get(f"/media/{key}-320.webp", headers=GZIP)
    assert photo.status_code == 200
    assert "Content-Encoding" not in photo.headers
    assert photo.data[:4] == b"RIFF"


def test_no_compression_for_a_browser_that_refuses_it(app, client, ids):
    for header in ("identity", "gzip;q=0", "br", "*;q=0", "deflate"):
        response = client.get("/s/tienda-sol", headers={"Accept-Encoding": header})
        assert "Content-Encoding" not in response.headers, header
        assert b"Camiseta azul" in response.data


def test_head_requests_are_answered_like_gets(app, client, ids):
    for path in ("/s/tienda-sol", "/sitemap.xml"):
        head = client.head(path, headers=GZIP)
        get = client.get(path, headers=GZIP)
        assert head.status_code == 200
        assert head.data == b""
        assert head.headers["Content-Encoding"] == "gzip"
        assert head.headers["Content-Length"] == str(len(get.data))


def test_json_answers_are_compressed_too_and_streams_are_not(app):
    body = json.dumps({"lines": [{"name": f"Producto {n}"} for n in range(50)]})
    with app.test_request_context(headers=GZIP):
        packed = compress_response(Response(body, mimetype="application/json"))
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.get_data()).decode() == body
        streamed = compress_response(Response(iter([body]), mimetype="text/plain"))
        assert "Content-Encoding" not in streamed.headers
        kept = Response(body, mimetype="text/plain", headers={"Cache-Control": "no-transform"})
        assert "Content-Encoding" not in compress_response(kept).headers


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("br, *;q=0.1", True),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("*;q=0", False),
        ("br", False),
        ("identity", False),
        ("", False),
        (None, False),
        ("gzip;q=nonsense", False),
    ],
)
def test_reads_accept_encoding(header, expected):
    assert gzip_accepted(header) is expected
