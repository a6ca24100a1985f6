"""The Share page: link, copy button, QR codes, WhatsApp link and the link card preview."""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from PIL import Image as PILImage

from shop.extensions import db
from shop.models import Image, Shop
from tests import factories

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def shop(app, merchant):
    """The merchant's shop, with an awkward name: (id, slug, absolute link)."""
    with app.app_context():
        shop = db.session.get(Shop, merchant[1])
        shop.name = "Café & Té 🌵"
        shop.slug = "cafe-te"
        shop.description = "Granos tostados cada semana. " * 20
        db.session.commit()
    return {"id": merchant[1], "slug": "cafe-te", "link": "http://localhost/s/cafe-te"}


def _page(client) -> str:
    response = client.get("/dashboard/share")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_shows_the_absolute_shop_link_with_a_copy_button(client, shop):
    page = _page(client)
    field = re.search(r'<input type="text" id="shop-link" value="([^"]+)" readonly>', page)
    assert field is not None
    assert unescape(field.group(1)) == shop["link"]
    assert 'data-copy="shop-link"' in page


def test_whatsapp_link_carries_the_shop_link_url_encoded(client, shop):
    page = _page(client)
    href = unescape(re.search(r'href="(https://wa\.me/\?text=[^"]+)"', page).group(1))
    parts = urlsplit(href)
    assert (parts.netloc, parts.path) == ("wa.me", "/")
    query = parse_qs(parts.query, strict_parsing=True)
    assert list(query) == ["text"]  # the "&" in the shop name did not split the query
    (message,) = query["text"]
    assert shop["link"] in message
    assert "Café & Té 🌵" in message
    assert " " not in parts.query
    assert "&" not in parts.query


def test_qr_codes_are_linked_for_download(client, shop):
    page = _page(client)
    assert 'src="/dashboard/share/qr.svg"' in page
    assert "/dashboard/share/qr.png?download=1" in page
    assert "/dashboard/share/qr.svg?download=1" in page


def test_link_card_preview_shows_name_description_and_domain(client, shop):
    page = _page(client)
    card = page[page.index('class="link-card"') :]
    card = card[: card.index("</section>")]
    assert "Café &amp; Té 🌵" in card
    assert "Granos tostados cada semana." in card
    assert "…" in card  # a long description is shortened as chat apps do
    assert ">localhost<" in card


def test_link_card_uses_the_shops_preview_image(app, client, shop):
    from shop.sharing.link_cards import shop_image

    with app.app_context():
        shop_row = db.session.get(Shop, shop["id"])
        key = hashlib.sha256(b"logo").hexdigest()
        shop_row.logo = Image(shop_id=shop_row.id, key=key, width=800, height=800, widths=[320])
        db.session.commit()
        with app.test_request_context():
            expected = shop_image(db.session.get(Shop, shop["id"]))
    assert expected

    page = _page(client)
    image = re.search(r'<img class="link-card-image" src="([^"]+)"', page)
    assert image is not None
    assert unescape(image.group(1)) == expected


def test_feed_and_downloads_are_offered(client, shop):
    page = _page(client)
    assert f'value="{shop["link"]}/catalog.csv"' in page
    assert 'href="/dashboard/catalog.csv"' in page
    assert 'href="/dashboard/orders.csv"' in page


def _modules(png: bytes, link: str) -> tuple[list[list[bool]], list[list[bool]], int]:
    """Read the dark/light modules back out of the PNG, and what segno makes of `link`."""
    image = PILImage.open(io.BytesIO(png)).convert("L")
    expected = segno.make(link, error="m", micro=False)
    width, height = expected.symbol_size(scale=1, border=4)
    assert image.width == image.height
    scale = image.width // width
    assert image.width == scale * width
    seen = [
        [
            image.getpixel(((x + 4) * scale + scale // 2, (y + 4) * scale + scale // 2)) < 128
            for x in range(width - 8)
        ]
        for y in range(height - 8)
    ]
    wanted = [[bool(v) for v in row] for row in expected.matrix]
    return seen, wanted, scale


def test_qr_png_encodes_the_shop_link_at_print_size(client, shop):
    response = client.get("/dashboard/share/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    image = PILImage.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    assert 1000 <= image.width <= 1200
    seen, wanted, _scale = _modules(response.data, shop["link"])
    assert seen == wanted


@pytest.mark.parametrize(
    ("size", "low", "high"),
    [("300", 200, 300), ("1", 50, 150), ("999999", 3000, 4000), ("abc", 1000, 1200)],
)
def test_qr_png_size_is_bounded(client, shop, size, low, high):
    response = client.get(f"/dashboard/share/qr.png?size={size}")
    assert response.status_code == 200
    width = PILImage.open(io.BytesIO(response.data)).width
    assert low <= width <= high
    seen, wanted, _scale = _modules(response.data, shop["link"])
    assert seen == wanted


def test_qr_svg_is_the_same_code_as_vector(client, shop):
    response = client.get("/dashboard/share/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)  # noqa: S314 (our own response)
    assert root.tag == f"{SVG_NS}svg"
    assert root.find(f"{SVG_NS}title").text == "Café & Té 🌵"
    width = int(float(root.get("width")))
    qr = segno.make(shop["link"], error="m", micro=False)
    scale = width // qr.symbol_size(scale=1, border=4)[0]
    expected = io.BytesIO()
    qr.save(expected, kind="svg", scale=scale, border=4, title="Café & Té 🌵")
    assert response.data == expected.getvalue()


def test_qr_download_is_an_attachment(client, shop):
    for kind in ("png", "svg"):
        response = client.get(f"/dashboard/share/qr.{kind}?download=1")
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="qr-cafe-te.{kind}"'


def test_each_merchant_gets_their_own_qr(app, client, shop, sign_in_as):
    with app.app_context():
        user = factories.make_user(name="Bea")
        factories.make_shop(user, slug="otra-tienda")
        db.session.commit()
        user_id = user.id
    other = app.test_client()
    sign_in_as(other, user_id)
    seen, wanted, _scale = _modules(
        other.get("/dashboard/share/qr.png").data, "http://localhost/s/otra-tienda"
    )
    assert seen == wanted
    assert "otra-tienda" in other.get("/dashboard/share").get_data(as_text=True)
    assert "otra-tienda" not in client.get("/dashboard/share").get_data(as_text=True)


def test_share_pages_are_private(app, client, shop):
    for url in ("/dashboard/share", "/dashboard/share/qr.png", "/dashboard/share/qr.svg"):
        assert client.get(url).headers["Cache-Control"] == "no-store"
        response = app.test_client().get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
