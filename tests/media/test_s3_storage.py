"""Photos in an S3-compatible bucket: upload, serve, link, preview, seed, delete, export.

Everything runs against a real S3 server on 127.0.0.1 (moto in server mode) through
boto3 over HTTP, and through the real pipeline, views and templates.
"""

from __future__ import annotations

import csv
import io
import re
import threading

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from shop import create_app
from shop.extensions import db
from shop.media.names import preview_name, rendition_name
from shop.media.pipeline import ingest
from shop.media.previews import shop_preview_url
from shop.media.s3 import S3Storage
from shop.media.storage import LocalStorage, StorageError, get_storage
from shop.media.urls import image_srcset, image_url, media_origin, preview_url
from shop.models import Item, ItemPhoto, Shop
from tests import factories
from tests.media import images
from tests.production.object_store import (
    keys,
    moto_server,
    new_bucket,
    s3_client,
    s3_settings,
    set_aws_env,
)

CDN = "https://cdn.vitrina.test/media"
EN = {"Accept-Language": "en"}
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def endpoint():
    with moto_server() as url:
        yield url


@pytest.fixture
def bucket(endpoint, monkeypatch):
    set_aws_env(monkeypatch)
    return new_bucket(endpoint)


@pytest.fixture
def s3_app(app, endpoint, bucket):
    """The test app, with its media in the bucket and served by the app itself."""
    app.config.update(s3_settings(endpoint, bucket))
    return app


@pytest.fixture
def photo(s3_app, upload):
    """A real JPEG through the real pipeline, into the bucket."""
    return upload(images.encode(images.real_photo(1600, 1200)))


def item_form(**fields) -> dict:
    """The dashboard's new-product form, filled in."""
    values = {
        "name": "Lámina",
        "description": "",
        "price": "15.00",
        "compare_at": "",
        "code": "",
        "category": "",
        "availability": "available",
    }
    return values | fields


def _object(endpoint, bucket, name):
    return s3_client(endpoint).get_object(Bucket=bucket, Key=name)


def test_uploads_every_rendition_to_the_bucket_with_its_type_and_forever_caching(
    s3_app, endpoint, bucket, photo, media_dir
):
    names = {rendition_name(photo.key, w) for w in (320, 640, 1280)} | {preview_name(photo.key)}
    assert keys(endpoint, bucket) == names
    for name in names:
        stored = _object(endpoint, bucket, name)
        assert stored["ContentType"] == ("image/jpeg" if name.endswith(".jpg") else "image/webp")
        assert stored["CacheControl"] == IMMUTABLE
    webp = PILImage.open(
        io.BytesIO(_object(endpoint, bucket, rendition_name(photo.key, 640))["Body"].read())
    )
    assert (webp.format, webp.size) == ("WEBP", (640, 480))
    assert not media_dir.exists() or not any(media_dir.rglob("*.*"))  # nothing on this machine


def test_the_same_photo_again_uploads_nothing_new(s3_app, endpoint, bucket, shop, photo):
    before = {
        name: _object(endpoint, bucket, name)["LastModified"] for name in keys(endpoint, bucket)
    }
    again = ingest(shop, io.BytesIO(images.encode(images.real_photo(1600, 1200))))
    assert again.id == photo.id
    after = {
        name: _object(endpoint, bucket, name)["LastModified"] for name in keys(endpoint, bucket)
    }
    assert after == before


def test_the_media_view_streams_from_the_bucket_with_immutable_caching(
    s3_app, client, photo, endpoint, bucket
):
    name = rendition_name(photo.key, 640)
    response = client.get(f"/media/{name}")

    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.data == _object(endpoint, bucket, name)["Body"].read()
    assert response.headers["Content-Length"] == str(len(response.data))
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["ETag"] == f'"{photo.key}-640"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers


def test_the_media_view_answers_revalidation_and_head(s3_app, client, photo):
    url = f"/media/{preview_name(photo.key)}"
    etag = client.get(url).headers["ETag"]

    revalidated = client.get(url, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert not revalidated.data
    assert revalidated.headers["Cache-Control"] == IMMUTABLE

    head = client.head(url)
    assert head.status_code == 200
    assert head.mimetype == "image/jpeg"
    assert int(head.headers["Content-Length"]) > 1000


def test_the_media_view_404s_for_names_not_in_the_bucket(s3_app, client, photo):
    assert client.get(f"/media/{rendition_name(photo.key, 2560)}").status_code == 404
    assert client.get("/media/" + "0" * 64 + "-og.jpg").status_code == 404
    assert client.get("/media/..%2F" + photo.key + "-640.webp").status_code == 404


def test_pages_link_to_the_app_when_no_base_url_is_set(s3_app, client, photo):
    with s3_app.test_request_context():
        assert image_url(photo) == f"/media/{photo.key}-640.webp"
        assert media_origin() is None


def test_with_a_base_url_every_link_points_at_the_cdn(s3_app, photo):
    s3_app.config["MEDIA_BASE_URL"] = CDN + "/"  # a trailing slash is forgiven
    with s3_app.test_request_context():
        assert image_url(photo, 300) == f"{CDN}/{photo.key}-320.webp"
        assert image_url(photo, 300, external=True) == f"{CDN}/{photo.key}-320.webp"
        assert preview_url(photo) == f"{CDN}/{photo.key}-og.jpg"
        assert image_srcset(photo).split(", ")[0] == f"{CDN}/{photo.key}-320.webp 320w"
        assert media_origin() == "https://cdn.vitrina.test"


def test_with_a_base_url_rendered_pages_use_it_and_media_redirects_there(
    s3_app, client, shop, photo
):
    s3_app.config["MEDIA_BASE_URL"] = CDN
    item = factories.make_item(shop, name="Lámina Espresso")
    item.photos.append(ItemPhoto(image=photo, position=0))
    db.session.commit()

    html = client.get(f"/s/{shop.slug}", headers=EN).get_data(as_text=True)
    assert f'src="{CDN}/{photo.key}-320.webp"' in html
    assert f"{CDN}/{photo.key}-640.webp 640w" in html
    assert re.search(
        rf'<meta property="og:image" content="{re.escape(CDN)}/[0-9a-f]{{64}}-og\.jpg"', html
    )
    assert "/media/" not in html.replace(CDN, "")

    product = client.get(f"/s/{shop.slug}/p/{item.id}", headers=EN).get_data(as_text=True)
    assert f'content="{CDN}/{photo.key}-og.jpg"' in product

    moved = client.get(f"/media/{photo.key}-640.webp")
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"{CDN}/{photo.key}-640.webp"
    assert client.get("/media/" + "x" * 64 + "-640.webp").status_code == 404


def test_shop_link_previews_are_made_into_the_bucket(s3_app, client, endpoint, bucket, shop):
    with s3_app.test_request_context():
        url = shop_preview_url(shop)
    name = url.rsplit("/", 1)[1]
    assert url == f"/media/{name}"
    assert name in keys(endpoint, bucket)
    assert _object(endpoint, bucket, name)["CacheControl"] == IMMUTABLE
    served = client.get(url)
    assert served.status_code == 200
    assert PILImage.open(io.BytesIO(served.data)).size == (1200, 630)

    s3_app.config["MEDIA_BASE_URL"] = CDN
    with s3_app.test_request_context():
        assert shop_preview_url(shop, external=True) == f"{CDN}/{name}"


def test_a_logo_preview_reads_the_logo_back_from_the_bucket(s3_app, endpoint, bucket, shop, upload):
    logo = upload(images.encode(images.quadrants(400, 300), "PNG"))
    shop.logo = logo
    db.session.commit()
    with s3_app.test_request_context():
        name = shop_preview_url(shop).rsplit("/", 1)[1]
    card = PILImage.open(io.BytesIO(_object(endpoint, bucket, name)["Body"].read())).convert("RGB")
    red, green, _blue = card.getpixel((400, 150))  # the logo's red quarter is on the card
    assert red > 150
    assert green < 100


def test_seed_demo_puts_every_photo_in_the_bucket(s3_app, runner, client, endpoint, bucket):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    stored = keys(endpoint, bucket)
    with s3_app.app_context():
        covers = [item.cover for item in db.session.scalars(select(Item))]
        assert covers
        assert all(cover is not None for cover in covers)
        for cover in covers:
            assert {rendition_name(cover.key, w) for w in cover.widths} <= stored
            assert preview_name(cover.key) in stored
    page = client.get("/s/demo").get_data(as_text=True)
    first = re.search(r'src="(/media/[0-9a-f]{64}-\d+\.webp)"', page).group(1)
    assert client.get(first).status_code == 200


def test_delete_removes_the_object_and_the_view_then_404s(s3_app, client, endpoint, bucket, photo):
    name = rendition_name(photo.key, 320)
    storage = get_storage()

    storage.delete(name)

    assert name not in keys(endpoint, bucket)
    assert not storage.exists(name)
    assert client.get(f"/media/{name}").status_code == 404
    storage.delete(name)  # already gone: quiet
    with pytest.raises(FileNotFoundError):
        storage.read(name)


def test_dashboard_catalog_export_lists_cdn_photo_urls(s3_app, client, merchant, endpoint, bucket):
    s3_app.config["MEDIA_BASE_URL"] = CDN
    photo = (io.BytesIO(images.encode(images.real_photo(1600, 1200))), "espresso.jpg")
    response = client.post(
        "/dashboard/items/new",
        data=item_form(name="Lámina ☕", photos=[photo]),
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 302

    export = client.get("/dashboard/catalog.csv", headers=EN)
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["Name"] for row in rows] == ["Lámina ☕"]
    url = rows[0]["Photos"]
    assert re.fullmatch(rf"{re.escape(CDN)}/[0-9a-f]{{64}}-1280\.webp", url)
    assert url.removeprefix(CDN + "/") in keys(endpoint, bucket)

    feed = client.get(f"/s/{_slug(s3_app, merchant[1])}/catalog.csv").get_data(as_text=True)
    assert f"{CDN}/" in feed
    assert "/media/" not in feed.replace(CDN, "")


def _slug(app, shop_id):
    with app.app_context():
        return db.session.get(Shop, shop_id).slug


def test_the_app_makes_no_client_until_storage_is_used(app, endpoint, bucket):
    """create_app has no network side effects; the client comes on first use."""
    settings = s3_settings("http://127.0.0.1:9", bucket)  # nothing listens there
    fresh = create_app({**app.config, **settings})
    with fresh.app_context():
        storage = get_storage()
        assert isinstance(storage, S3Storage)
        assert storage._client is None
        assert get_storage() is storage


def test_one_client_serves_many_threads(s3_app, endpoint, bucket):
    with s3_app.app_context():
        storage = get_storage()
    names = [f"{n:064x}-320.webp" for n in range(12)]
    clients, errors = set(), []

    def work(name):
        try:
            storage.save(name, name.encode())
            clients.add(id(storage.client))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(clients) == 1
    assert set(names) <= keys(endpoint, bucket)
    assert storage.read(names[3]) == names[3].encode()


def test_refuses_names_the_pipeline_does_not_make_before_any_request(bucket):
    storage = S3Storage(bucket, endpoint_url="http://127.0.0.1:9", region="eu-west-1")
    for name in ("../secret", "a" * 64 + "-640.webp/../x", "", "A" * 64 + "-640.webp"):
        with pytest.raises(ValueError, match="not a media file name"):
            storage.save(name, b"x")
        with pytest.raises(ValueError, match="not a media file name"):
            storage.exists(name)
    assert storage._client is None


def test_a_missing_bucket_is_a_storage_error_not_a_missing_file(endpoint, monkeypatch):
    set_aws_env(monkeypatch)
    storage = S3Storage("no-such-bucket-here", endpoint_url=endpoint, region="eu-west-1")
    with pytest.raises(StorageError):
        storage.save("0" * 64 + "-320.webp", b"x")
    with pytest.raises(StorageError, match="does not exist"):
        storage.ping()


def test_ping_succeeds_for_a_reachable_bucket(s3_app):
    with s3_app.app_context():
        get_storage().ping()


def test_an_unreachable_store_gives_a_503_not_a_traceback(app, client, merchant, bucket):
    app.config.update(s3_settings("http://127.0.0.1:9", bucket))  # connection refused

    media = client.get("/media/" + "0" * 64 + "-320.webp")
    assert media.status_code == 503
    assert media.headers["Retry-After"] == "30"
    assert "no-store" in media.headers["Cache-Control"]

    photo = (io.BytesIO(images.encode(images.real_photo(400, 300))), "a.jpg")
    upload = client.post(
        "/dashboard/items/new",
        data=item_form(name="Gorra", photos=[photo]),
        content_type="multipart/form-data",
        headers=EN,
    )
    assert upload.status_code == 503
    with app.app_context():
        assert db.session.scalar(select(Item)) is None  # nothing half-saved


def test_a_failing_store_is_tried_twice_within_a_worker_timeout(monkeypatch):
    """A store that hangs or drops connections must give up before gunicorn kills the
    worker (GUNICORN_TIMEOUT, 30 s): two attempts, each bounded by the timeouts."""
    import socket

    from shop.media.s3 import client_config

    config = client_config(path_style=True)
    attempts = config.retries["total_max_attempts"]
    assert attempts * (config.connect_timeout + config.read_timeout) + attempts < 30

    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def drop_every_connection():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            accepted.append(connection)
            connection.close()

    thread = threading.Thread(target=drop_every_connection, daemon=True)
    thread.start()
    set_aws_env(monkeypatch)
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"
    storage = S3Storage("vitrina-media", endpoint_url=endpoint, region="us-east-1")
    try:
        with pytest.raises(StorageError):
            storage.exists("0" * 64 + "-320.webp")
    finally:
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() above
        listener.close()
        thread.join()
    assert len(accepted) == attempts == 2


def test_the_local_backend_is_still_the_default(app, client, upload, media_dir):
    with app.app_context():
        assert isinstance(get_storage(), LocalStorage)
    image = upload(images.encode(images.real_photo(800, 600)))
    assert (media_dir / image.key[:2] / f"{image.key}-640.webp").is_file()
    assert client.get(f"/media/{image.key}-640.webp").headers["Cache-Control"] == IMMUTABLE


def test_a_local_folder_behind_a_cdn_is_still_served_as_the_cdn_origin(app, client, upload):
    app.config["MEDIA_BASE_URL"] = CDN
    image = upload(images.encode(images.real_photo(800, 600)))
    with app.test_request_context():
        assert image_url(image) == f"{CDN}/{image.key}-640.webp"
    response = client.get(f"/media/{image.key}-640.webp")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE


def test_switching_settings_gives_a_new_storage(s3_app, endpoint, monkeypatch):
    with s3_app.app_context():
        first = get_storage()
        s3_app.config["S3_BUCKET"] = new_bucket(endpoint)
        second = get_storage()
        assert second is not first
        assert second.bucket == s3_app.config["S3_BUCKET"]
        s3_app.config["MEDIA_STORAGE"] = "local"
        assert isinstance(get_storage(), LocalStorage)


def test_a_client_made_before_a_fork_is_not_reused_by_the_worker(s3_app, monkeypatch):
    """gunicorn --preload forks workers from a master: sockets must not be shared."""
    with s3_app.app_context():
        storage = get_storage()
    inherited = storage.client
    assert storage.client is inherited
    monkeypatch.setattr(storage, "_pid", -1)  # as if the client came from the parent process
    assert storage.client is not inherited
    storage.save("1" * 64 + "-320.webp", b"from the worker")
    assert storage.read("1" * 64 + "-320.webp") == b"from the worker"
