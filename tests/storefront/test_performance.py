"""The performance budget's functional guarantees: few statements, kept pages that are
never stale, 304s only when nothing changed, and a page cache shared through Redis.

Speed itself is measured by the benchmarks, never here.
"""

from __future__ import annotations

import gzip
import re
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from shop import create_app
from shop.extensions import db
from shop.models import Category, Image, Item, ItemPhoto, Shop
from shop.storefront.fast.page_cache import LocalPages, NoPages, Page, RedisPages, pages
from shop.web.caching import PUBLIC_CACHE
from tests import factories
from tests.conftest import REDIS_ADDRESS, TEST_SECRET, redis_url, skip_without_service
from tests.storefront.options_shop import build_options_shop
from tests.storefront.shopper import build_shop

GZIP = {"Accept-Encoding": "gzip, br"}
EN = {"Accept-Language": "en"}
REDIS_URL = redis_url(0)


@contextmanager
def counting(app):
    """Collects the SQL statements sent while the block runs."""
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


def statements_for(app, client, path: str) -> int:
    with counting(app) as statements:
        assert client.get(path, headers=GZIP).status_code == 200
    return len(statements)


def text(response) -> str:
    """The page as the browser reads it, gzip or not."""
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode()


def keep_pages(app, kind: str = "local", **settings) -> None:
    """Turn the page cache on (TESTING apps run without one); it is made on first use."""
    app.config.update(PAGE_CACHE=kind, **settings)


def grow_catalog(app, shop_id: int, count: int) -> None:
    """`count` more items, each with two photos, in ten categories."""
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        images = [_image(shop, n) for n in range(1, 11)]
        categories = [factories.make_category(shop, f"Cat {n}", position=n + 5) for n in range(10)]
        items = [
            Item(
                shop=shop,
                category=categories[n % 10],
                name=f"Producto {n}",
                price_minor=100 + n,
                code=f"P-{n}",
                position=n + 10,
                photos=[
                    ItemPhoto(image=images[n % 10], position=0),
                    ItemPhoto(image=images[(n + 3) % 10], position=1),
                ],
            )
            for n in range(count)
        ]
        db.session.add_all(items)
        db.session.commit()


def _image(shop, n: int):
    from shop.models import Image

    image = Image(shop_id=shop.id, key=f"{n:064x}", width=800, height=600, widths=[320, 640])
    db.session.add(image)
    return image


def set_price(app, item_id: int, price_minor: int) -> None:
    """What every catalog rule does: change the row (the catalog version moves by itself)."""
    with app.app_context():
        item = db.session.get(Item, item_id)
        item.price_minor = price_minor
        db.session.commit()


@pytest.fixture
def ids(app):
    return build_shop(app)


# -- Statements -----------------------------------------------------------------------


@pytest.mark.parametrize("cache", ["off", "local"])
def test_shop_and_product_pages_take_two_statements_for_10_or_1000_products(
    app, client, ids, cache
):
    keep_pages(app, cache)
    grow_catalog(app, ids.shop, 7)
    small = {
        "shop": statements_for(app, client, "/s/tienda-sol"),
        "product": statements_for(app, client, f"/s/tienda-sol/p/{ids.shirt}"),
    }
    grow_catalog(app, ids.shop, 990)
    large = {
        "shop": statements_for(app, client, "/s/tienda-sol"),
        "product": statements_for(app, client, f"/s/tienda-sol/p/{ids.shirt}"),
    }
    assert small == large == {"shop": 2, "product": 2}


def test_a_kept_page_costs_one_statement_and_comes_back_the_same(app, client, ids):
    keep_pages(app)
    first = client.get("/s/tienda-sol", headers=GZIP)
    with counting(app) as statements:
        again = client.get("/s/tienda-sol", headers=GZIP)
    assert len(statements) == 1
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Encoding"] == "gzip"
    plain = client.get("/s/tienda-sol")
    assert "Content-Encoding" not in plain.headers
    assert "Camiseta azul" in plain.text


def test_a_304_costs_one_statement_from_the_fast_path(app, client, ids):
    keep_pages(app)
    etag = client.get("/s/tienda-sol", headers=GZIP).headers["ETag"]
    with counting(app) as statements:
        response = client.get("/s/tienda-sol", headers={**GZIP, "If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert len(statements) == 1
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == PUBLIC_CACHE
    assert response.headers["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize("kept", [True, False], ids=["fast path", "flask"])
def test_a_304_carries_only_the_headers_that_guide_caches(app, client, ids, kept):
    """RFC 9110 15.4.5: the browser keeps the stored page's headers (its security
    headers among them) and updates them from the 304's. A worker that has served
    no page yet answers the same 304 as one that has."""
    if kept:
        keep_pages(app)
    page = client.get("/s/tienda-sol", headers=GZIP)
    assert "Content-Security-Policy" in page.headers
    assert "X-Content-Type-Options" in page.headers
    fresh = app.test_client()  # another browser
    response = fresh.get("/s/tienda-sol", headers={**GZIP, "If-None-Match": page.headers["ETag"]})
    assert response.status_code == 304
    names = {name.lower() for name, _ in response.headers}
    assert names - {"content-length"} == {"etag", "cache-control", "vary", "x-request-id"}
    assert response.headers["Vary"] == "Accept-Encoding"


# -- Never stale ------------------------------------------------------------------------


def test_a_changed_price_shows_on_the_very_next_request(app, client, merchant):
    keep_pages(app)
    _user_id, shop_id = merchant
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shop.language = "en"
        item = factories.make_item(shop, name="Camiseta azul", price_minor=2000)
        db.session.commit()
        slug, item_id = shop.slug, item.id
    shopper = app.test_client()
    for path in (f"/s/{slug}", f"/s/{slug}/p/{item_id}"):
        assert "€20.00" in text(shopper.get(path, headers=GZIP))
        assert statements_for(app, shopper, path) == 1  # kept
    edited = client.post(
        f"/dashboard/items/{item_id}/edit",
        data={
            "name": "Camiseta azul",
            "description": "",
            "price": "25.50",
            "compare_at": "",
            "code": "",
            "category": "",
            "availability": "available",
        },
        headers=EN,
    )
    assert edited.status_code == 302
    for path in (f"/s/{slug}", f"/s/{slug}/p/{item_id}", f"/s/{slug}/cart"):
        html = text(shopper.get(path, headers=GZIP))
        assert "€20.00" not in html, path
        assert "€25.50" in html or '"price": 2550' in html, path


def test_answers_304_only_while_nothing_changed(app, client, ids):
    keep_pages(app)
    for path in ("/s/tienda-sol", f"/s/tienda-sol/p/{ids.shirt}", "/s/tienda-sol/cart"):
        for headers in ({}, GZIP):
            etag = client.get(path, headers=headers).headers["ETag"]
            again = client.get(path, headers={**headers, "If-None-Match": etag})
            assert again.status_code == 304, path
            set_price(app, ids.shirt, 2100 + len(headers))
            changed = client.get(path, headers={**headers, "If-None-Match": etag})
            assert changed.status_code == 200, path
            assert changed.headers["ETag"] != etag
            assert changed.data


def test_a_changed_etag_is_never_answered_with_304(app, client, ids):
    keep_pages(app)
    client.get("/s/tienda-sol", headers=GZIP)
    for etag in ('"not-ours"', 'W/"not-ours"', ""):
        response = client.get("/s/tienda-sol", headers={**GZIP, "If-None-Match": etag})
        assert response.status_code == 200


def test_a_recreated_shop_with_the_same_id_gets_its_own_pages(app, client):
    keep_pages(app)
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="sol", name="First")
        db.session.commit()
        shop_id = shop.id
    assert "First" in client.get("/s/sol").text
    with app.app_context():
        db.session.delete(db.session.get(Shop, shop_id))
        db.session.commit()
        # Made with the old id from the start (its owner's membership names it at once).
        factories.make_shop(factories.make_user(), slug="sol", name="Second", id=shop_id)
        db.session.commit()
    html = client.get("/s/sol").text
    assert "Second" in html
    assert "First" not in html


# -- What the fast path leaves to Flask ---------------------------------------------------


def test_links_shared_with_tracking_parameters_are_served_from_the_kept_page(app, client, ids):
    keep_pages(app)
    client.get("/s/tienda-sol", headers=GZIP)
    assert statements_for(app, client, "/s/tienda-sol?fbclid=abc&utm_source=ig") == 1


def test_searches_are_rendered_and_not_kept(app, client, ids):
    keep_pages(app)
    for _ in range(2):
        with counting(app) as statements:
            html = client.get("/s/tienda-sol?q=gorra").text
        assert len(statements) == 2
        assert "Gorra" in html
        assert "Camiseta azul" not in html


def test_old_links_still_redirect_and_unknown_shops_are_404(app, client, ids):
    from shop.shops.settings import change_slug

    keep_pages(app)
    client.get("/s/tienda-sol")
    with app.app_context():
        change_slug(db.session.get(Shop, ids.shop), "sol-nuevo")
        db.session.commit()
    response = client.get(f"/s/tienda-sol/p/{ids.shirt}?fbclid=1")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/s/sol-nuevo/p/{ids.shirt}?fbclid=1")
    assert client.get("/s/no-such-shop").status_code == 404
    assert client.get(f"/s/sol-nuevo/p/{ids.hidden}").status_code == 404
    assert client.get("/s/sol-nuevo/p/999999").status_code == 404


def test_a_page_kept_for_one_host_is_not_served_to_another(app, client, ids):
    keep_pages(app)
    client.get("/s/tienda-sol", base_url="http://shop.example")
    html = client.get("/s/tienda-sol", base_url="http://evil.example").text
    assert "http://evil.example/s/tienda-sol" in html
    assert "shop.example" not in html


def test_kept_pages_carry_the_headers_flask_gave_them_and_no_cookie(app, ids, sign_in_as):
    keep_pages(app)
    with app.app_context():
        user_id = factories.make_user().id
        db.session.commit()
    signed_in = app.test_client()
    sign_in_as(signed_in, user_id)
    rendered = signed_in.get("/s/tienda-sol", headers=GZIP)
    kept = signed_in.get("/s/tienda-sol", headers=GZIP)
    assert statements_for(app, signed_in, "/s/tienda-sol") == 1
    for response in (rendered, kept):
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
    skip = {"Content-Length", "Date", "X-Request-ID"}  # the id is per request
    assert {k: v for k, v in kept.headers.items() if k not in skip} == {
        k: v for k, v in rendered.headers.items() if k not in skip
    }


def test_head_requests_get_the_headers_without_the_body(app, client, ids):
    keep_pages(app)
    full = client.get("/s/tienda-sol", headers=GZIP)
    head = client.head("/s/tienda-sol", headers=GZIP)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(full.data))
    assert head.headers["ETag"] == full.headers["ETag"]


# -- The stores -----------------------------------------------------------------------


def test_the_local_store_forgets_the_least_recently_used_pages_first():
    store = LocalPages(max_bytes=4000)
    page = Page((("Content-Type", "text/html"),), b"x" * 900)
    store.put({"a": page, "b": page, "c": page})
    assert store.get("a") is not None  # now the most recently used
    store.put({"d": page, "e": page})
    assert store.get("b") is None
    assert store.get("a") is not None
    assert len(store) == 4
    store.put({"huge": Page((), b"x" * 2000)})  # over a quarter of the store: not kept
    assert store.get("huge") is None


def test_the_store_follows_the_settings(app):
    with app.app_context():
        assert isinstance(pages(), NoPages)  # TESTING apps keep nothing by default
    other = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "PAGE_CACHE": "local"})
    with other.app_context():
        assert isinstance(pages(), LocalPages)
    disk = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "PAGE_CACHE": "disk"})
    with disk.app_context():
        from shop.storefront.fast.page_cache import DiskPages

        assert isinstance(pages(), DiskPages)
    bad = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "PAGE_CACHE": "redis"})
    bad.config["REDIS_URL"] = None
    with bad.app_context(), pytest.raises(RuntimeError):
        pages()


@pytest.fixture
def redis_prefix():
    """A key prefix of our own in the local Redis, emptied afterwards."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        skip_without_service(f"no Redis on {REDIS_ADDRESS}")
    prefix = f"vitrina-test-{uuid.uuid4().hex}:"
    yield prefix
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_app_servers_share_pages_through_redis(app, ids, redis_prefix):
    settings = {"REDIS_URL": REDIS_URL, "PAGE_CACHE_PREFIX": redis_prefix}
    keep_pages(app, "redis", **settings)
    other = create_app(dict(app.config))  # a second app server, same database and Redis
    first, second = app.test_client(), other.test_client()
    rendered = first.get("/s/tienda-sol", headers=GZIP)
    assert isinstance(pages(app), RedisPages)
    assert statements_for(other, second, "/s/tienda-sol") == 1  # kept by the other server
    assert second.get("/s/tienda-sol", headers=GZIP).data == rendered.data
    set_price(app, ids.shirt, 4321)
    for client in (first, second):
        assert "€43.21" in client.get("/s/tienda-sol").text
    with other.app_context():
        db.engine.dispose()


def test_a_silent_redis_means_rendering_not_failing(app, client, ids, redis_prefix):
    keep_pages(app, "redis", REDIS_URL="redis://127.0.0.1:9/0", PAGE_CACHE_PREFIX=redis_prefix)
    for _ in range(2):
        response = client.get("/s/tienda-sol", headers=GZIP)
        assert response.status_code == 200
    assert "Camiseta azul" in client.get("/s/tienda-sol").text


def test_cached_items_of_one_shop_never_show_in_another(app, client, ids):
    keep_pages(app)
    client.get("/s/tienda-sol")
    html = client.get("/s/otra-tienda").text
    assert "Ajena" in html
    assert "Camiseta azul" not in html
    with app.app_context():
        names = db.session.scalars(select(Item.name).where(Item.shop_id == ids.other_shop)).all()
    assert names == ["Ajena"]


def test_outside_tests_the_fast_path_keeps_its_connection_and_survives_losing_it(app, ids):
    from shop.storefront.fast.middleware import EXTENSION

    keep_pages(app)
    app.config["TESTING"] = False  # a real server: one connection per thread, kept
    fast_path = app.extensions[EXTENSION]
    client = app.test_client()
    try:
        client.get("/s/tienda-sol", headers=GZIP)
        assert statements_for(app, client, "/s/tienda-sol") == 1
        kept = fast_path._local.connection
        assert statements_for(app, client, "/s/tienda-sol") == 1
        assert fast_path._local.connection is kept
        kept.invalidate()  # the database went away under it (a restart, say)
        assert client.get("/s/tienda-sol", headers=GZIP).status_code == 200
        assert fast_path._local.connection is not kept
        set_price(app, ids.shirt, 3333)
        assert "€33.33" in client.get("/s/tienda-sol").text
    finally:
        fast_path._drop_connection()


def test_cards_follow_every_change_of_what_they_show(app, client, ids):
    from shop.shops.settings import change_slug

    assert f'href="/s/tienda-sol/p/{ids.shirt}"' in client.get("/s/tienda-sol").text
    with app.app_context():
        item = db.session.get(Item, ids.shirt)
        item.name = "Camiseta <roja>"
        item.compare_at_minor = 9900
        change_slug(item.shop, "sol-nuevo")
        db.session.commit()
    html = client.get("/s/sol-nuevo").text
    assert f'href="/s/sol-nuevo/p/{ids.shirt}"' in html
    assert "Camiseta &lt;roja&gt;" in html
    assert "€99.00" in html
    assert "/s/tienda-sol/p/" not in html


def _with_photos_and_stock(app, ids) -> None:
    """The options shop's shirt gets two photos; two of its combinations are counted,
    one at zero; the cap has every combination of its one size group at zero."""
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        shirt = db.session.get(Item, ids.shirt)
        shirt.photos = [ItemPhoto(image=_image(shop, n), position=n) for n in (1, 2)]
        choices = {c.id: c for g in shirt.option_groups for c in g.choices}
        factories.set_variant_stock(shirt, [choices[ids.m], choices[ids.red]], 0)
        factories.set_variant_stock(shirt, [choices[ids.s], choices[ids.blue]], 4)
        cap = db.session.get(Item, ids.plain)
        size = factories.make_group(cap, "Talla", ["Única"], kind="size")
        factories.set_variant_stock(cap, size.choices, 0)
        db.session.commit()


@pytest.mark.parametrize("cache", ["off", "local"])
def test_a_product_with_options_photos_and_stock_takes_two_statements(app, client, cache):
    keep_pages(app, cache)
    ids = build_options_shop(app)
    _with_photos_and_stock(app, ids)
    with counting(app) as statements:
        response = client.get(f"/s/{ids.slug}/p/{ids.shirt}", headers=GZIP)
    assert response.status_code == 200
    assert len(statements) == 2
    page = text(response)
    assert page.count('<li class="gallery-slide">') == 2
    assert page.index(f"{1:064x}") < page.index(f"{2:064x}")  # in the merchant's order
    for name in ("Talla", "Color", "Extras", "Estampado"):
        assert name in page
    key = "-".join(str(i) for i in sorted((ids.m, ids.red)))
    assert f'data-sold-out="[&#34;{key}&#34;]"' in page
    with counting(app) as statements:
        shop_page = client.get(f"/s/{ids.slug}", headers=GZIP)
    assert len(statements) == 2
    assert text(shop_page).count('class="card is-sold-out"') == 1  # the cap, in one size


def test_a_product_of_another_shop_with_options_is_404_in_one_statement_more(app, client):
    ids = build_options_shop(app)
    with app.app_context():
        other = factories.make_shop(factories.make_user("Eva"), slug="otra")
        item = factories.make_item(other, None, name="Secreto")
        factories.make_group(item, "Talla", ["S"], kind="size")
        db.session.commit()
        other_item = item.id
    with counting(app) as statements:
        assert client.get(f"/s/{ids.slug}/p/{other_item}").status_code == 404
    assert "Secreto" not in client.get(f"/s/{ids.slug}/p/{other_item}").text
    assert len([s for s in statements if "option_group" in s]) <= 1


def _card_loading(html: str) -> list[str]:
    """How each card's picture loads, in page order: high, eager or lazy."""
    images = re.findall(r'<img class="card-image"[^>]*>', html)
    return [
        "high" if 'fetchpriority="high"' in tag else "lazy" if 'loading="lazy"' in tag else "eager"
        for tag in images
    ]


def test_the_first_pictures_load_first_whatever_section_they_are_in(app, client):
    """Cards are remembered per section; the first four pictures of the page load at
    once (two first of all) however the sections around them change."""
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="fotos", language="en")
        first = factories.make_category(shop, "Primera", position=0)
        second = factories.make_category(shop, "Segunda", position=1)
        image = _image(shop, 7)
        for n, category in enumerate([first] + [second] * 5):
            item = factories.make_item(shop, category, name=f"Foto {n}", position=n)
            item.photos = [ItemPhoto(image=image, position=0)]
        db.session.commit()
        shop_id, first_id, second_id, image_id = shop.id, first.id, second.id, image.id
    expected = ["high", "high", "eager", "eager", "lazy", "lazy"]
    assert _card_loading(client.get("/s/fotos").text) == expected
    assert _card_loading(client.get("/s/fotos").text) == expected  # remembered
    with app.app_context():  # one more card in the first section: the second one shifts
        shop = db.session.get(Shop, shop_id)
        item = factories.make_item(shop, db.session.get(Category, first_id), name="Nueva")
        item.photos = [ItemPhoto(image=db.session.get(Image, image_id), position=0)]
        db.session.commit()
    assert (
        _card_loading(client.get("/s/fotos").text)
        == ["high", "high", "eager", "eager"] + ["lazy"] * 3
    )
    with app.app_context():  # the first section emptied: the second one leads
        db.session.execute(
            Item.__table__.update()
            .where(Item.shop_id == shop_id, Item.category_id != second_id)
            .values(category_id=second_id, position=99)
        )
        db.session.commit()
    assert _card_loading(client.get("/s/fotos").text) == [*expected, "lazy"]


def test_a_machines_processes_share_pages_through_the_disk(app, ids, tmp_path):
    """Two processes, like two gunicorn workers: the second one reads the page the first
    rendered, and after a price change one of them renders it once for both."""
    import json
    import subprocess
    import sys

    settings = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "MEDIA_DIR", "SECRET_KEY", "JOBS_SQLITE_PATH")
    } | {"TESTING": True, "PAGE_CACHE": "disk", "PAGE_CACHE_DIR": str(tmp_path / "pages")}

    def in_a_process() -> int:
        done = subprocess.run(
            [sys.executable, "-m", "tests.storefront.page_in_a_process",
             json.dumps(settings), "/s/tienda-sol"],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        assert answer["status"] == 200
        return answer["statements"]

    assert in_a_process() >= 2  # the first process renders
    assert in_a_process() == 1  # a fresh process reads it from the disk
    set_price(app, ids.shirt, 4321)
    assert in_a_process() >= 2  # a change: rendered once ...
    assert in_a_process() == 1  # ... for the whole machine


def test_the_disk_store_keeps_pages_in_memory_too_and_survives_a_broken_disk(tmp_path):
    from shop.storefront.fast.page_cache import DiskPages

    store = DiskPages(str(tmp_path / "pages"), 10_000_000, LocalPages(1_000_000))
    page = Page((("Content-Type", "text/html"),), "¡Hola! ☕".encode())
    store.put({"k": page})
    assert store.get("k") == page
    other = DiskPages(str(tmp_path / "pages"), 10_000_000, LocalPages(1_000_000))
    assert other.get("k") == page  # another process's store: from the disk
    assert other.local.get("k") == page  # and now in its memory
    assert other.get("missing") is None
