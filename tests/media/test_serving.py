"""/media/<name>: stored renditions only, cached forever, no cookies; URL helpers."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shop.media.names import preview_name, rendition_name
from shop.media.urls import image_srcset, image_url, preview_url
from shop.models import Image as ImageRow
from tests.media import images


@pytest.fixture
def photo(upload):
    return upload(images.encode(images.real_photo(1600, 1200)))


def test_serves_a_webp_rendition_cacheable_forever(client, photo):
    response = client.get(f"/media/{rendition_name(photo.key, 640)}")

    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    cache = response.cache_control
    assert cache.public
    assert cache.max_age == 31536000
    assert cache.immutable
    assert not cache.no_cache
    assert response.headers["ETag"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers
    assert Image.open(io.BytesIO(response.data)).size == (640, 480)


def test_serves_the_link_preview_as_jpeg(client, photo):
    response = client.get(f"/media/{preview_name(photo.key)}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)


def test_answers_a_revalidation_with_304(client, photo):
    url = f"/media/{rendition_name(photo.key, 320)}"
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert not response.data


def test_etag_is_the_content_hash_not_the_file_date(client, photo):
    """Two app servers with their own disks must agree, or caches revalidate for nothing."""
    response = client.get(f"/media/{rendition_name(photo.key, 320)}")
    assert response.headers["ETag"] == f'"{photo.key}-320"'


def test_sets_no_cookie_even_for_a_signed_in_merchant(client, merchant, photo):
    client.get("/dashboard")
    response = client.get(f"/media/{rendition_name(photo.key, 320)}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_answers_head_requests(client, photo):
    response = client.head(f"/media/{rendition_name(photo.key, 320)}")
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) > 0


@pytest.mark.parametrize(
    "path",
    [
        "/media/" + "0" * 64 + "-640.webp",  # well formed, not stored
        "/media/" + "0" * 64 + "-og.jpg",
        "/media/" + "A" * 64 + "-640.webp",  # upper-case hex
        "/media/" + "0" * 63 + "-640.webp",
        "/media/" + "0" * 64 + "-640.png",
        "/media/" + "0" * 64 + "-0640.webp",
        "/media/" + "0" * 64 + "-64000.webp",
        "/media/" + "0" * 64 + ".webp",
        "/media/" + "0" * 64 + "-640.webp.html",
        "/media/../shop/__init__.py",
        "/media/..%2F..%2Fshop%2F__init__.py",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/..\\..\\etc\\passwd",
        "/media/",
        "/media/00/" + "0" * 64 + "-640.webp",
    ],
)
def test_refuses_unknown_malformed_and_traversal_names(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_404s_for_a_rendition_that_does_not_exist_for_that_image(client, photo):
    assert client.get(f"/media/{rendition_name(photo.key, 2560)}").status_code == 404


def test_image_url_picks_the_closest_width_and_never_more_than_the_largest(app):
    image = ImageRow(key="a" * 64, width=1000, height=800, widths=[320, 640, 1000])
    with app.test_request_context():
        assert image_url(image) == f"/media/{'a' * 64}-640.webp"
        assert image_url(image, 300) == f"/media/{'a' * 64}-320.webp"
        assert image_url(image, 480) == f"/media/{'a' * 64}-640.webp"  # tie: larger
        assert image_url(image, 1280) == f"/media/{'a' * 64}-1000.webp"
        assert image_url(image, 5000) == f"/media/{'a' * 64}-1000.webp"
        assert image_url(None) == ""


def test_image_srcset_lists_every_rendition(app):
    image = ImageRow(key="b" * 64, width=2000, height=1000, widths=[320, 640, 1280])
    with app.test_request_context():
        assert image_srcset(image) == (
            f"/media/{'b' * 64}-320.webp 320w, "
            f"/media/{'b' * 64}-640.webp 640w, "
            f"/media/{'b' * 64}-1280.webp 1280w"
        )


def test_preview_url_can_be_absolute_for_og_image(app):
    image = ImageRow(key="c" * 64, width=2000, height=1000, widths=[320, 640, 1280])
    with app.test_request_context(base_url="https://tiendas.example"):
        assert preview_url(image) == f"/media/{'c' * 64}-og.jpg"
        assert preview_url(image, external=True) == (
            f"https://tiendas.example/media/{'c' * 64}-og.jpg"
        )


def test_urls_point_at_files_that_are_served(client, app, photo):
    with app.test_request_context():
        urls = [image_url(photo, w) for w in (320, 640, 1280)] + [preview_url(photo)]
        urls += [part.split()[0] for part in image_srcset(photo).split(", ")]
    for url in urls:
        assert client.get(url).status_code == 200, url
