"""Builders for test pictures: real photos, phone photos with EXIF, and hostile files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageChops, ImageCms

DEMO_PHOTO = Path(__file__).resolve().parents[2] / "shop/dev/demo_assets/espresso-poster.jpg"

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 60), (30, 60, 220)


def real_photo(width: int = 1000, height: int | None = None) -> Image.Image:
    """A real photograph (a demo product shot) at the size asked for."""
    photo = Image.open(DEMO_PHOTO).convert("RGB")
    if height is None:
        height = round(width * photo.height / photo.width)
    return photo.resize((width, height), Image.Resampling.BICUBIC)


def phone_photo_12mp(orientation: int = 6) -> bytes:
    """Like a 12-megapixel phone photo: 4032x3024, sensor grain, EXIF with GPS, ~4 MB.

    A real photograph scaled up, with noise so the JPEG carries as much detail as a
    camera's; the recipe the media benchmark uses too.
    """
    photo = real_photo(4032, 3024)
    grain = Image.effect_noise(photo.size, 8).convert("RGB")
    photo = ImageChops.add(photo, grain, scale=1.0, offset=-128)
    return phone_jpeg(photo, orientation=orientation, quality=92)


def quadrants(width: int = 400, height: int = 300) -> Image.Image:
    """Upright test card: top-left red, top-right green, bottom half blue."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height // 2))
    image.paste(GREEN, (width // 2, 0, width, height // 2))
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def gps_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF like a phone writes: camera, date and where the photo was taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (40.0, 25.0, 1.5), 3: "W", 4: (3.0, 42.0, 7.25), 6: 650.0})
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="40,25.1N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_jpeg(image: Image.Image, orientation: int | None = None, quality: int = 90) -> bytes:
    """A JPEG carrying GPS EXIF, XMP, an ICC profile and a comment."""
    return encode(
        image,
        "JPEG",
        quality=quality,
        exif=gps_exif(orientation),
        xmp=XMP,
        icc_profile=srgb_icc(),
        comment=b"taken at home",
    )


def sideways(upright: Image.Image, orientation: int) -> Image.Image:
    """What a phone stores for an upright scene when it writes `orientation`."""
    stored = {
        6: Image.Transpose.ROTATE_90,
        8: Image.Transpose.ROTATE_270,
        3: Image.Transpose.ROTATE_180,
    }
    return upright.transpose(stored[orientation])


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its few bytes of data could never fill."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is patched to claim another size."""
    data = bytearray(encode(Image.new("RGB", (64, 64), RED), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def webp_chunks(data: bytes) -> list[bytes]:
    """The RIFF chunk ids of a WebP file (EXIF, XMP and ICCP would be listed here)."""
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WEBP"
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        kind, size = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        chunks.append(kind)
        offset += 8 + size + (size & 1)
    return chunks


def jpeg_markers(data: bytes) -> list[int]:
    """The JPEG marker codes before the image data (APP1 = EXIF/XMP, APP2 = ICC, FE = COM)."""
    assert data[:2] == b"\xff\xd8"
    markers, offset = [], 2
    while offset < len(data):
        marker = data[offset + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        offset += 2 + struct.unpack(">H", data[offset + 2 : offset + 4])[0]
    return markers


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def _desc_tag(text: bytes) -> bytes:
    ascii_part = struct.pack(">I", len(text) + 1) + text + b"\0"
    return b"desc\0\0\0\0" + ascii_part + b"\0" * 8 + b"\0\0\0" + b"\0" * 67


def swapped_primaries_icc() -> bytes:
    """An RGB display profile whose red and green primaries are sRGB's green and red.

    A picture tagged with it shows green where its pixel values say red: converting
    to sRGB must swap them, which is easy to see in a test.
    """
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    tags = [
        (b"desc", _desc_tag(b"Swapped primaries (test)")),
        (b"wtpt", _xyz_tag(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz_tag(*green)),
        (b"gXYZ", _xyz_tag(*red)),
        (b"bXYZ", _xyz_tag(*blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0public domain\0"),
    ]
    table_size = 4 + 12 * len(tags)
    offset, table, body = 128 + table_size, b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = 128 + table_size + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body
