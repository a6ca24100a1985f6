"""The upload pipeline: what comes out of a photo, and what is refused."""

from __future__ import annotations

import io
import re
import warnings

import pytest
from PIL import Image, ImageChops, JpegImagePlugin
from sqlalchemy import func, select

from shop.extensions import db
from shop.media import pipeline
from shop.media.names import is_valid_name, preview_name, rendition_name
from shop.models import Image as ImageRow
from tests import factories
from tests.media import images
from tests.media.images import BLUE, GREEN, RED


def outputs(image_row, stored) -> dict[str, Image.Image]:
    names = [rendition_name(image_row.key, w) for w in image_row.widths]
    names.append(preview_name(image_row.key))
    return {name: Image.open(io.BytesIO(stored(name))) for name in names}


def close_to(pixel, color, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


# --- metadata --------------------------------------------------------------------------


def test_strips_gps_exif_xmp_icc_and_comments_from_every_rendition(upload, stored):
    data = images.phone_jpeg(images.real_photo(1600))
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)  # the upload really carries GPS
    assert {"exif", "xmp", "icc_profile", "comment"} <= source.info.keys()

    row = upload(data)

    for name, out in outputs(row, stored).items():
        raw = stored(name)
        assert not out.getexif(), name
        assert not {"exif", "xmp", "icc_profile", "comment"} & out.info.keys(), name
        assert b"PhoneMaker" not in raw
        assert b"taken at home" not in raw
        assert b"adobe:ns:meta" not in raw
        if name.endswith(".webp"):
            assert images.webp_chunks(raw)[0] in (b"VP8 ", b"VP8L", b"VP8X")
            assert not {b"EXIF", b"XMP ", b"ICCP"} & set(images.webp_chunks(raw))
        else:
            assert not {0xE1, 0xE2, 0xFE} & set(images.jpeg_markers(raw))


def test_never_stores_the_uploaded_bytes(upload, media_dir):
    data = images.phone_jpeg(images.real_photo(700))
    upload(data)
    files = [p for p in media_dir.rglob("*") if p.is_file()]
    assert files
    assert all(p.read_bytes() != data for p in files)
    assert all(is_valid_name(p.name) for p in files)


# --- orientation -----------------------------------------------------------------------


@pytest.mark.parametrize("orientation", [6, 8, 3])
def test_turns_a_phone_photo_upright(upload, stored, orientation):
    stored_pixels = images.sideways(images.quadrants(400, 300), orientation)
    row = upload(images.phone_jpeg(stored_pixels, orientation=orientation, quality=95))

    assert (row.width, row.height) == (400, 300)
    for name, out in outputs(row, stored).items():
        out = out.convert("RGB")
        w, h = out.size
        if not name.endswith("og.jpg"):
            assert w > h, name
        assert close_to(out.getpixel((w // 5, h // 6)), RED), name
        assert close_to(out.getpixel((w - w // 5, h // 6)), GREEN), name
        assert close_to(out.getpixel((w // 2, h - h // 6)), BLUE), name


def test_converts_colours_from_the_embedded_profile_to_srgb(upload, stored):
    """A picture in another colour space (say a phone's Display P3) keeps its colours."""
    tagged = images.encode(
        Image.new("RGB", (400, 300), (255, 0, 0)), "PNG", icc_profile=images.swapped_primaries_icc()
    )
    row = upload(tagged)
    for out in outputs(row, stored).values():
        assert "icc_profile" not in out.info
        assert close_to(out.convert("RGB").getpixel((100, 100)), (0, 255, 0))


def test_keeps_pixels_when_the_embedded_profile_is_garbage(upload, stored):
    picture = images.encode(Image.new("RGB", (400, 300), RED), "PNG", icc_profile=b"nonsense" * 20)
    row = upload(picture)
    assert close_to(outputs(row, stored)[rendition_name(row.key, 320)].getpixel((10, 10)), RED)


def test_ignores_a_broken_exif_block(upload):
    data = bytearray(images.phone_jpeg(images.quadrants(), orientation=6))
    start = data.index(b"Exif\0\0") + 6
    data[start : start + 8] = b"XXXXXXXX"  # not a TIFF header any more
    row = upload(bytes(data))
    assert (row.width, row.height) == (400, 300)


# --- renditions ------------------------------------------------------------------------


def test_makes_webp_widths_and_a_small_jpeg_preview(upload, stored):
    row = upload(images.encode(images.real_photo(2000, 1500), quality=90))

    assert (row.width, row.height) == (2000, 1500)
    assert row.widths == [320, 640, 1280]
    out = outputs(row, stored)
    for width in row.widths:
        webp = out[rendition_name(row.key, width)]
        assert webp.format == "WEBP"
        assert webp.size == (width, width * 3 // 4)
        assert webp.mode == "RGB"
    preview = out[preview_name(row.key)]
    assert preview.format == "JPEG"
    assert preview.size == (1200, 630)
    assert preview.mode == "RGB"
    assert len(stored(preview_name(row.key))) < 300_000


def test_keeps_the_preview_under_300_kb_for_a_noisy_photo(upload, stored):
    noise = Image.effect_noise((1600, 1200), 120).convert("RGB")
    row = upload(images.encode(noise, quality=95))
    assert len(stored(preview_name(row.key))) < 300_000


def test_keeps_card_renditions_within_their_byte_budget_for_a_detailed_photo(upload, stored):
    """Fine detail costs about 40 KB at 640 px at quality 80; cards step down to fit."""
    photo = images.real_photo(1280, 960)
    grain = Image.effect_noise(photo.size, 10).convert("RGB")
    detailed = ImageChops.add(photo, grain, scale=1.0, offset=-128)
    row = upload(images.encode(detailed, "PNG"))

    card = stored(rendition_name(row.key, 640))
    assert len(card) <= 30_000
    assert len(stored(rendition_name(row.key, 320))) <= 12_000
    assert Image.open(io.BytesIO(card)).size == (640, 480)
    # The full-size rendition has no budget: a product page's zoom keeps the detail.
    assert len(stored(rendition_name(row.key, 1280))) > 100_000


@pytest.mark.parametrize(
    ("size", "widths"),
    [
        ((500, 400), [320, 500]),
        ((660, 500), [320, 640]),
        ((1000, 1000), [320, 640, 1000]),
        ((200, 150), [200]),
        ((1500, 3000), [320, 640, 1280]),
        ((4000, 400), [320, 640, 1280]),
    ],
)
def test_never_upscales_and_always_makes_one_rendition(upload, stored, size, widths):
    row = upload(images.encode(images.real_photo(*size), "PNG"))
    assert row.widths == widths
    for width in widths:
        webp = outputs(row, stored)[rendition_name(row.key, width)]
        assert webp.width == width
        assert webp.width <= size[0]
    assert outputs(row, stored)[preview_name(row.key)].size == (1200, 630)


def test_names_are_content_hashes_and_deterministic(upload, app, shop):
    data = images.encode(images.real_photo(800), quality=85)
    first = upload(data)
    other_shop = factories.make_shop(shop.owner)
    again = pipeline.ingest(other_shop, io.BytesIO(data))
    different = upload(images.encode(images.real_photo(801), quality=85))

    assert re.fullmatch(r"[0-9a-f]{64}", first.key)
    assert again.key == first.key
    assert again.id != first.id  # one row per shop
    assert different.key != first.key


def test_reuses_the_row_when_the_same_photo_is_uploaded_twice(upload, shop, media_dir):
    data = images.encode(images.real_photo(700))
    first = upload(data)
    files = sorted(media_dir.rglob("*.*"))
    second = upload(data)

    assert second.id == first.id
    assert (
        db.session.scalar(select(func.count(ImageRow.id)).where(ImageRow.shop_id == shop.id)) == 1
    )
    assert sorted(media_dir.rglob("*.*")) == files


def test_restores_renditions_missing_from_storage(upload, media_dir, stored):
    data = images.encode(images.real_photo(700))
    row = upload(data)
    for path in media_dir.rglob("*.webp"):
        path.unlink()
    upload(data)
    assert stored(rendition_name(row.key, 320))[:4] == b"RIFF"


def test_keeps_transparency_in_webp_and_flattens_on_white_for_jpeg(upload, stored):
    logo = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    logo.paste((200, 40, 40, 255), (150, 100, 450, 300))
    row = upload(images.encode(logo, "PNG"))

    out = outputs(row, stored)
    webp = out[rendition_name(row.key, 320)]
    assert webp.mode == "RGBA"
    assert webp.getpixel((2, 2))[3] == 0
    preview = out[preview_name(row.key)].convert("RGB")
    assert close_to(preview.getpixel((5, 5)), (255, 255, 255), 8)
    assert close_to(preview.getpixel((600, 315)), (200, 40, 40))


def test_drops_an_alpha_channel_that_is_fully_opaque(upload, stored):
    row = upload(images.encode(images.real_photo(400).convert("RGBA"), "PNG"))
    assert outputs(row, stored)[rendition_name(row.key, 320)].mode == "RGB"


def test_takes_the_first_frame_of_an_animation(upload, stored):
    frames = [Image.new("RGB", (400, 300), color) for color in (RED, GREEN, BLUE)]
    data = images.encode(
        frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, loop=0
    )
    row = upload(data)
    webp = outputs(row, stored)[rendition_name(row.key, 320)]
    assert getattr(webp, "n_frames", 1) == 1
    assert close_to(webp.convert("RGB").getpixel((160, 120)), RED)


@pytest.mark.parametrize(
    ("mode", "color", "expected"),
    [
        ("L", 128, (128, 128, 128)),
        ("P", None, RED),
        ("CMYK", (0, 255, 255, 0), (255, 0, 0)),
        ("I;16", 128 * 256, (128, 128, 128)),
    ],
)
def test_converts_other_colour_modes_to_rgb(upload, stored, mode, color, expected):
    if mode == "P":
        picture = images.quadrants().convert("P")
        fmt = "PNG"
    else:
        picture = Image.new(mode, (400, 300), color)
        fmt = "JPEG" if mode == "CMYK" else "PNG"
    row = upload(images.encode(picture, fmt))
    webp = outputs(row, stored)[rendition_name(row.key, 320)]
    assert webp.mode == "RGB"
    assert close_to(webp.getpixel((40, 20)), expected)


def test_leaves_no_temporary_files(upload, media_dir):
    upload(images.encode(images.real_photo(900)))
    names = [p.name for p in media_dir.rglob("*") if p.is_file()]
    assert names
    assert all(is_valid_name(name) for name in names)


def test_decodes_a_12_megapixel_phone_photo_at_reduced_scale(upload, stored, monkeypatch):
    data = images.phone_photo_12mp(orientation=6)
    decoded_sizes = set()
    real_load = JpegImagePlugin.JpegImageFile.load

    def load(self):
        decoded_sizes.add(self.size)
        return real_load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", load)
    row = upload(data)

    assert (row.width, row.height) == (3024, 4032)
    assert decoded_sizes == {(2016, 1512)}  # libjpeg decoded a quarter of the pixels
    webp = outputs(row, stored)[rendition_name(row.key, 1280)]
    assert webp.size == (1280, 1707)


# --- refusals --------------------------------------------------------------------------

NOT_A_PHOTO = "not a photo we can use"
TOO_MANY_PIXELS = "too many pixels"
DAMAGED = "damaged or incomplete"


def refused(upload, data: bytes) -> str:
    before = db.session.scalar(select(func.count(ImageRow.id)))
    with pytest.raises(pipeline.ImageRejected) as info:
        upload(data)
    assert db.session.scalar(select(func.count(ImageRow.id))) == before
    return str(info.value)


def test_refuses_an_empty_file(upload):
    assert "empty" in refused(upload, b"")


def test_refuses_a_file_over_10_mb_reading_no_more_than_needed(shop):
    class Endless(io.RawIOBase):
        read_total = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            n = min(len(buffer), 1 << 20)
            buffer[:n] = b"\xff" * n
            Endless.read_total += n
            return n

    with pytest.raises(pipeline.ImageRejected, match="larger than 10 MB"):
        pipeline.ingest(shop, Endless())
    assert Endless.read_total <= 10 * 1024 * 1024 + 1 + (1 << 20)


def test_refuses_a_12_mb_file(upload):
    data = images.encode(images.real_photo(200)) + b"\0" * (12 * 1024 * 1024)
    assert "larger than 10 MB" in refused(upload, data)


def test_refuses_a_png_declaring_20000_by_20000_pixels_without_decoding(upload):
    data = images.png_declaring(20000, 20000)
    assert len(data) < 200
    assert TOO_MANY_PIXELS in refused(upload, data)


def test_refuses_a_jpeg_declaring_too_many_pixels(upload):
    assert TOO_MANY_PIXELS in refused(upload, images.jpeg_declaring(60000, 60000))
    assert TOO_MANY_PIXELS in refused(upload, images.jpeg_declaring(8000, 7000))


def test_refuses_a_decompression_bomb_even_when_warnings_are_errors(upload):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert TOO_MANY_PIXELS in refused(upload, images.jpeg_declaring(10000, 10000))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF", id="pdf"),
        pytest.param(
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
            b'width="10" height="10"><script>alert(1)</script></svg>',
            id="svg",
        ),
        pytest.param(images.encode(images.quadrants(), "TIFF"), id="tiff"),
        pytest.param(images.encode(images.quadrants(), "GIF"), id="gif"),
        pytest.param(images.encode(images.quadrants(), "BMP"), id="bmp"),
        pytest.param(images.encode(images.quadrants(), "AVIF"), id="avif"),
        pytest.param(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", id="eps"),
        pytest.param(b"GIF89a/*\x01\x00\x01\x00*/=alert(1)//;", id="gif-js-polyglot"),
        pytest.param(b"PK\x03\x04" + b"\0" * 100, id="zip"),
    ],
)
def test_refuses_files_that_are_not_jpeg_png_or_webp(upload, data):
    assert NOT_A_PHOTO in refused(upload, data)


def test_refuses_a_truncated_jpeg(upload):
    data = images.encode(images.real_photo(800), quality=90)
    assert DAMAGED in refused(upload, data[: len(data) // 2])


def test_refuses_a_jpeg_that_stops_before_its_picture_data(upload):
    data = images.encode(images.real_photo(300))
    sos = data.index(b"\xff\xda")
    assert DAMAGED in refused(upload, data[: sos + 2 + data[sos + 3]])


def test_refuses_a_truncated_png(upload):
    data = images.encode(images.real_photo(300), "PNG")
    assert DAMAGED in refused(upload, data[: len(data) // 2])


def test_refuses_a_jpeg_header_with_no_picture(upload):
    assert NOT_A_PHOTO in refused(upload, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 40)


def test_refuses_tiny_and_very_thin_pictures(upload):
    assert "too small" in refused(upload, images.encode(Image.new("RGB", (8, 8)), "PNG"))
    assert "long and narrow" in refused(upload, images.encode(Image.new("RGB", (2200, 100)), "PNG"))


def test_takes_a_jpeg_with_html_appended_and_serves_none_of_it(upload, media_dir):
    data = images.encode(images.real_photo(500)) + b"<html><script>alert(1)</script></html>"
    upload(data)
    for path in media_dir.rglob("*.*"):
        assert b"<script" not in path.read_bytes()
