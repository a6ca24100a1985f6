"""The shop's link preview (og:image): from the logo, or the name on a colour."""

from __future__ import annotations

import io

from PIL import Image

from shop.extensions import db
from shop.media import previews
from shop.media.names import is_valid_name
from tests.media import images


def open_preview(stored, name) -> tuple[Image.Image, int]:
    data = stored(name)
    return Image.open(io.BytesIO(data)), len(data)


def test_makes_a_name_card_for_a_shop_without_a_logo(shop, stored, client):
    name = previews.shop_preview_name(shop)

    assert is_valid_name(name)
    assert name.endswith("-og.jpg")
    picture, size = open_preview(stored, name)
    assert picture.format == "JPEG"
    assert picture.size == (1200, 630)
    assert size < 300_000
    assert not picture.getexif()
    corner = picture.convert("RGB").getpixel((5, 5))
    assert corner not in ((255, 255, 255), (0, 0, 0))  # a colour, not a blank card
    # white lettering somewhere in the middle band
    middle = picture.convert("L").crop((100, 200, 1100, 430))
    assert middle.getextrema()[1] > 230
    assert client.get(previews.shop_preview_url(shop)).status_code == 200


def test_puts_the_logo_on_a_background_that_suits_it(shop, upload, stored):
    logo = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    logo.paste((30, 90, 200, 255), (200, 200, 600, 600))
    shop.logo = upload(images.encode(logo, "PNG"))
    db.session.flush()

    picture, size = open_preview(stored, previews.shop_preview_name(shop))

    assert picture.size == (1200, 630)
    assert size < 300_000
    rgb = picture.convert("RGB")
    background = rgb.getpixel((10, 10))
    assert min(background) > 190  # a pale tint ...
    assert background[2] > background[0]  # ... of the logo's blue
    centre_column = [rgb.getpixel((600, y)) for y in range(0, 630, 10)]
    assert any(p[2] > 150 and p[0] < 80 for p in centre_column)  # the logo itself


def test_an_opaque_logo_with_a_plain_border_blends_into_its_own_colour(shop, upload, stored):
    logo = Image.new("RGB", (600, 400), (250, 235, 200))
    logo.paste((120, 40, 20), (200, 100, 400, 300))
    shop.logo = upload(images.encode(logo, "PNG"))
    db.session.flush()

    rgb = open_preview(stored, previews.shop_preview_name(shop))[0].convert("RGB")
    assert all(abs(a - b) < 8 for a, b in zip(rgb.getpixel((5, 5)), (250, 235, 200), strict=True))


def test_is_cheap_when_it_already_exists(shop, monkeypatch):
    first = previews.shop_preview_name(shop)

    def no_rendering(*args):
        raise AssertionError("rendered again")

    monkeypatch.setattr(previews, "render_shop_preview", no_rendering)
    assert previews.shop_preview_name(shop) == first


def test_changes_name_when_the_shop_name_or_logo_changes(shop, upload):
    first = previews.shop_preview_name(shop)
    shop.name = "Otra tienda"
    renamed = previews.shop_preview_name(shop)
    shop.logo = upload(images.encode(images.real_photo(600), "PNG"))
    with_logo = previews.shop_preview_name(shop)
    shop.logo = upload(images.encode(images.real_photo(700), "PNG"))
    new_logo = previews.shop_preview_name(shop)
    assert len({first, renamed, with_logo, new_logo}) == 4


def test_survives_emoji_long_names_and_a_missing_logo_file(shop, upload, media_dir, stored):
    shop.name = ("🛍️ Panadería La Espiga de Oro del Barrio Antiguo de Sevilla 🥐 " * 3)[:120]
    picture = open_preview(stored, previews.shop_preview_name(shop))[0]
    assert picture.size == (1200, 630)

    shop.logo = upload(images.encode(images.real_photo(600), "PNG"))
    for path in media_dir.rglob("*.webp"):
        path.unlink()  # storage lost the logo's renditions: fall back to the name card
    fallback = previews.shop_preview_name(shop)
    assert open_preview(stored, fallback)[0].size == (1200, 630)

    shop.logo = upload(images.encode(images.real_photo(600), "PNG"))  # renditions back
    assert previews.shop_preview_name(shop) != fallback


def test_drops_characters_the_font_cannot_draw():
    font = previews._font(24)
    assert previews._printable("Café 🍞 Niño\u200d\ufe0f", font) == "Café Niño"
