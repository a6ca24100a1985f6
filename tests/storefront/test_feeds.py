"""Public feeds: Meta's catalog.csv and the sitemap, through the real stack."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Availability, Image, Item, ItemPhoto, Shop, ShopSlugRedirect
from tests import factories

FEED_COLUMNS = [
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
    "additional_image_link",
    "sale_price",
    "item_group_id",
    "size",
    "color",
    "sale_price_effective_date",
    "material",
    "pattern",
    "additional_variant_attribute",
]
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _key(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def _add_photos(shop, item, *seeds):
    for position, seed in enumerate(seeds):
        image = Image(shop_id=shop.id, key=_key(seed), width=1600, height=1200, widths=[320])
        item.photos.append(ItemPhoto(image=image, position=position))
    db.session.flush()


@pytest.fixture
def shop(app):
    """A shop with a logo, a sale item with photos, a plain one, a sold-out one, a hidden one."""
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="sol", name="Tienda Sol")
        shop.logo = Image(shop_id=shop.id, key=_key("logo"), width=500, height=500, widths=[320])
        shirts = factories.make_category(shop, "Camisetas")
        sale = factories.make_item(
            shop,
            shirts,
            name="Camiseta azul",
            description="Algodón, talla M",
            price_minor=1250,
            compare_at_minor=2000,
        )
        _add_photos(shop, sale, "a", "b", "c")
        factories.make_item(shop, shirts, name="Gorra", price_minor=850, position=1)
        factories.make_item(
            shop, shirts, name="Bufanda", availability=Availability.SOLD_OUT, position=2
        )
        factories.make_item(shop, shirts, name="Secreto", availability=Availability.HIDDEN)
        db.session.commit()
        return {"id": shop.id, "sale_id": sale.id}


def _feed(client, slug="sol"):
    response = client.get(f"/s/{slug}/catalog.csv")
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def _by_title(rows):
    header, *body = rows
    return {row[1]: dict(zip(header, row, strict=True)) for row in body}


def test_feed_has_metas_columns_and_no_bom(client, shop):
    response, rows = _feed(client)
    assert response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset") == "utf-8"
    assert not response.data.startswith(b"\xef\xbb\xbf")
    assert rows[0] == FEED_COLUMNS


def test_feed_values_for_a_sale_item_with_photos(client, shop):
    _response, rows = _feed(client)
    row = _by_title(rows)["Camiseta azul"]
    assert row["id"] == str(shop["sale_id"])
    assert row["description"] == "Algodón, talla M"
    assert row["availability"] == "in stock"
    assert row["condition"] == "new"
    assert row["price"] == "20.00 EUR"
    assert row["sale_price"] == "12.50 EUR"
    assert row["link"] == f"http://localhost/s/sol/p/{shop['sale_id']}"
    assert row["brand"] == "Tienda Sol"
    assert row["image_link"].startswith("http")
    assert _key("a") in row["image_link"]
    assert row["image_link"].endswith(".jpg")  # Meta wants JPEG/PNG, not WebP
    others = row["additional_image_link"].split(",")
    assert [_key("b") in others[0], _key("c") in others[1]] == [True, True]
    assert all(url.startswith("http") for url in others)


def test_feed_maps_availability_and_leaves_hidden_items_out(client, shop):
    _response, rows = _feed(client)
    items = _by_title(rows)
    assert set(items) == {"Camiseta azul", "Gorra", "Bufanda"}
    assert items["Gorra"]["availability"] == "in stock"
    assert items["Bufanda"]["availability"] == "out of stock"
    assert items["Gorra"]["price"] == "8.50 EUR"
    assert items["Gorra"]["sale_price"] == ""


def test_item_without_photo_shows_the_shops_preview_image(app, client, shop):
    from shop.sharing.link_cards import shop_image

    with app.test_request_context():
        expected = shop_image(db.session.get(Shop, shop["id"]))
    assert expected
    _response, rows = _feed(client)
    gorra = _by_title(rows)["Gorra"]
    assert gorra["image_link"] == expected
    assert gorra["additional_image_link"] == ""


@pytest.mark.parametrize(
    ("currency", "minor", "price"),
    [("EUR", 1250, "12.50 EUR"), ("CLP", 12990, "12990 CLP"), ("KWD", 12345, "12.345 KWD")],
)
def test_feed_price_format_per_currency(app, client, currency, minor, price):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="moneda", currency=currency)
        item = factories.make_item(shop, price_minor=minor, compare_at_minor=minor * 2)
        _add_photos(shop, item, "x")
        db.session.commit()
    _response, rows = _feed(client, "moneda")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["sale_price"] == price
    assert row["price"].endswith(f" {currency}")


def test_feed_neutralises_formulas_in_merchant_text(app, client):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="formula", name="@Tienda")
        item = factories.make_item(
            shop, name='=HYPERLINK("http://evil.example")', description="+1 gratis"
        )
        _add_photos(shop, item, "f")
        db.session.commit()
    _response, rows = _feed(client, "formula")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["title"] == '\'=HYPERLINK("http://evil.example")'
    assert row["description"] == "'+1 gratis"
    assert row["brand"] == "'@Tienda"


def test_feed_is_public_cacheable_and_sets_no_cookie(client, shop):
    response, _rows = _feed(client)
    assert "public" in response.headers["Cache-Control"]
    assert re.search(r"max-age=\d+", response.headers["Cache-Control"])
    assert response.headers.get("ETag")
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_feed_answers_304_until_the_catalog_changes(app, client, shop):
    first = client.get("/s/sol/catalog.csv")
    etag = first.headers["ETag"]

    again = client.get("/s/sol/catalog.csv", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert "Set-Cookie" not in again.headers

    with app.app_context():
        shop_row = db.session.get(Shop, shop["id"])
        factories.make_item(shop_row, name="Nueva")
        db.session.commit()

    changed = client.get("/s/sol/catalog.csv", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Nueva" in changed.get_data(as_text=True)


def test_old_slug_redirects_permanently_to_the_current_feed(app, client, shop):
    with app.app_context():
        db.session.add(ShopSlugRedirect(slug="sol-viejo", shop_id=shop["id"]))
        db.session.commit()
    response = client.get("/s/sol-viejo/catalog.csv")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/s/sol/catalog.csv")


def test_unknown_shop_feed_is_404(client, shop):
    assert client.get("/s/nadie/catalog.csv").status_code == 404


def _sitemap(client, url="/sitemap.xml"):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    return response, ET.fromstring(response.data)  # noqa: S314 (our own response)


def _locs(root) -> list[str]:
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def test_sitemap_lists_every_shop_and_its_visible_products(app, client, shop):
    with app.app_context():
        other = factories.make_shop(factories.make_user(), slug="luna")
        db.session.add(ShopSlugRedirect(slug="luna-vieja", shop_id=other.id))
        db.session.commit()
        visible = [
            item_id
            for (item_id,) in db.session.execute(
                select(Item.id)
                .where(Item.shop_id == shop["id"], Item.availability != Availability.HIDDEN)
                .order_by(Item.id)
            )
        ]
    response, root = _sitemap(client)

    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert _locs(root) == [
        "http://localhost/s/sol",
        *[f"http://localhost/s/sol/p/{item_id}" for item_id in visible],
        "http://localhost/s/luna",
    ]
    assert len(visible) == 3  # the hidden one is not there
    for url in root.iterfind("sm:url", NS):
        lastmod = url.find("sm:lastmod", NS).text
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", lastmod)
    assert "public" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_sitemap_answers_304_when_unchanged(client, shop):
    first = client.get("/sitemap.xml")
    again = client.get("/sitemap.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_sitemap_of_an_empty_site_is_valid(client):
    _response, root = _sitemap(client)
    assert _locs(root) == []


def test_many_urls_become_a_sitemap_index(app, client, shop, monkeypatch):
    from shop.storefront import feeds

    monkeypatch.setattr(feeds, "URLS_PER_SITEMAP", 2)
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="luna")
        db.session.commit()

    _response, index = _sitemap(client)
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    pages = _locs(index)
    assert pages == [f"http://localhost/sitemap-{n}.xml" for n in (1, 2, 3)]  # 5 URLs, 2 a page

    seen = []
    for page in pages:
        _response, root = _sitemap(client, page.removeprefix("http://localhost"))
        assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
        seen += _locs(root)
    assert len(seen) == 5 == len(set(seen))
    assert seen[0] == "http://localhost/s/sol"
    assert seen[-1] == "http://localhost/s/luna"
    assert client.get("/sitemap-4.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_numbered_sitemaps_do_not_exist_for_a_small_site(client, shop):
    assert client.get("/sitemap-1.xml").status_code == 404


def _count_queries(app, fn) -> int:
    from sqlalchemy import event

    statements = []

    def record(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_feed_queries_do_not_grow_with_the_catalog(app, client, shop):
    small = _count_queries(app, lambda: client.get("/s/sol/catalog.csv"))
    with app.app_context():
        shop_row = db.session.get(Shop, shop["id"])
        for n in range(30):
            item = factories.make_item(shop_row, name=f"Extra {n}")
            _add_photos(shop_row, item, f"extra-{n}-1", f"extra-{n}-2")
        db.session.commit()
    _response, rows = _feed(client)
    assert len(rows) == 1 + 3 + 30
    assert _count_queries(app, lambda: client.get("/s/sol/catalog.csv")) == small
