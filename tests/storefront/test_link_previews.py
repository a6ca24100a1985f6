"""Link cards (Open Graph, Twitter) and the images pages ask for."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from PIL import Image as PillowImage

from shop.extensions import db
from shop.media.pipeline import ingest
from shop.models import Item, ItemPhoto, Shop
from tests import factories
from tests.storefront.shopper import build_shop, jpeg_bytes


class Tags(HTMLParser):
    """Collects <meta property|name=... content=...>, <link rel=...> and <img> tags."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.images: list[dict[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta[attrs.get("property") or attrs.get("name") or ""] = attrs["content"]
        elif tag == "link":
            self.links[attrs.get("rel", "")] = attrs.get("href", "")
        elif tag == "img":
            self.images.append(attrs)


@pytest.fixture
def ids(app):
    return build_shop(app)


def _photos(app, item_id: int, count: int) -> None:
    with app.app_context():
        item = db.session.get(Item, item_id)
        for n in range(count):
            image = ingest(item.shop, io.BytesIO(jpeg_bytes((1600, 1200), (40 * n, 90, 200))))
            item.photos.append(ItemPhoto(image=image, position=n))
        db.session.commit()


def _fetch_preview(client, url: str) -> PillowImage.Image:
    parts = urlsplit(url)
    assert parts.scheme == "http"
    assert parts.netloc == "localhost"
    response = client.get(parts.path)
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert len(response.data) < 300 * 1024
    picture = PillowImage.open(io.BytesIO(response.data))
    assert picture.format == "JPEG"
    assert picture.size == (1200, 630)
    return picture


def test_shop_page_carries_a_complete_link_card(client, ids):
    tags = Tags(client.get("/s/tienda-sol").get_data(as_text=True))
    assert tags.meta["og:title"] == "Tienda Sol"
    assert tags.meta["og:description"] == "Ropa y accesorios"
    assert tags.meta["og:type"] == "website"
    assert tags.meta["og:url"] == "http://localhost/s/tienda-sol"
    assert tags.links["canonical"] == "http://localhost/s/tienda-sol"
    assert tags.meta["og:image:width"] == "1200"
    assert tags.meta["og:image:height"] == "630"
    assert tags.meta["twitter:card"] == "summary_large_image"
    assert tags.meta["twitter:image"] == tags.meta["og:image"]
    _fetch_preview(client, tags.meta["og:image"])


def test_shop_with_a_logo_previews_it(app, client, ids):
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        shop.logo = ingest(shop, io.BytesIO(jpeg_bytes((500, 500), (250, 200, 0))))
        db.session.commit()
    tags = Tags(client.get("/s/tienda-sol").get_data(as_text=True))
    picture = _fetch_preview(client, tags.meta["og:image"])
    # The logo's yellow shows somewhere in the middle of the card.
    r, g, b = picture.convert("RGB").getpixel((600, 315))
    assert r > 200
    assert g > 150
    assert b < 90


def test_shop_without_description_still_describes_itself(app, client):
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="bare", name="Bare", description="")
        db.session.commit()
    tags = Tags(client.get("/s/bare").get_data(as_text=True))
    assert "Bare" in tags.meta["og:description"]


def test_product_card_has_price_in_its_text_and_its_cover_as_image(app, client, ids):
    _photos(app, ids.shirt, 2)
    with app.app_context():
        db.session.get(Item, ids.shirt).description = "Algodón orgánico.\nTalla M."
        db.session.commit()
    tags = Tags(client.get(f"/s/tienda-sol/p/{ids.shirt}").get_data(as_text=True))
    url = f"http://localhost/s/tienda-sol/p/{ids.shirt}"
    assert tags.meta["og:title"] == "Camiseta azul · Tienda Sol"
    assert tags.meta["og:description"].startswith("€20.00")
    assert "Algodón orgánico. Talla M." in tags.meta["og:description"]
    assert tags.meta["og:type"] == "product"
    assert tags.meta["product:price:amount"] == "20.00"
    assert tags.meta["product:price:currency"] == "EUR"
    assert tags.meta["og:url"] == tags.links["canonical"] == url
    assert tags.meta["og:image"].endswith("-og.jpg")
    picture = _fetch_preview(client, tags.meta["og:image"])
    assert picture.size == (1200, 630)


def test_product_without_photos_uses_the_shops_card(client, ids):
    shop_tags = Tags(client.get("/s/tienda-sol").get_data(as_text=True))
    tags = Tags(client.get(f"/s/tienda-sol/p/{ids.cap}").get_data(as_text=True))
    assert tags.meta["og:image"] == shop_tags.meta["og:image"]
    assert "€8.50" in tags.meta["og:description"]


def test_product_gallery_lists_every_photo_with_sizes(app, client, ids):
    _photos(app, ids.shirt, 3)
    tags = Tags(client.get(f"/s/tienda-sol/p/{ids.shirt}").get_data(as_text=True))
    gallery = [img for img in tags.images if "photo" in img.get("alt", "")]
    assert len(gallery) == 3
    for image in gallery:
        assert image["width"]
        assert image["height"]
        assert "w," in image["srcset"]
        assert image["src"].endswith(".webp")
    assert "loading" not in gallery[0]
    assert [img.get("loading") for img in gallery[1:]] == ["lazy", "lazy"]


def test_shop_page_lazy_loads_all_but_the_first_cards(app, client):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="fotos")
        image = ingest(shop, io.BytesIO(jpeg_bytes()))
        for n in range(8):
            item = factories.make_item(shop, None, name=f"Foto {n}", position=n)
            item.photos.append(ItemPhoto(image=image))
        db.session.commit()
    tags = Tags(client.get("/s/fotos").get_data(as_text=True))
    cards = [img for img in tags.images if "card-image" in img.get("class", "")]
    assert len(cards) == 8
    assert [img.get("loading") for img in cards] == [None] * 4 + ["lazy"] * 4
    assert all(img["width"] == "800" and img["height"] == "600" for img in cards)
    assert all(img["sizes"] and img["srcset"] for img in cards)
