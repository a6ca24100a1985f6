"""A shop's home-screen icon: its logo on a square, or its initial in the brand colour.

Browsers ask for 192 and 512 px squares, and Android crops "maskable" icons to a circle
or a squircle, so the picture stays inside the middle 80% on a plain background.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont, ImageOps

SIZES = (192, 512)
BRAND = (11, 122, 75)  # static/css/shop.css --brand
WHITE = (255, 255, 255)
SAFE_ZONE = 0.8  # of a maskable icon's side


def icon_png(size: int, *, logo: bytes | None, initial: str) -> bytes:
    """The icon as PNG bytes: `logo` (any image Pillow reads) fitted on white, or
    `initial` in white on the brand colour when there is no logo or it cannot be read."""
    picture = _logo_square(size, logo) if logo else None
    if picture is None:
        picture = _initial_square(size, initial)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _logo_square(size: int, data: bytes) -> Image.Image | None:
    try:
        with Image.open(io.BytesIO(data)) as source:
            source.draft("RGB", (size, size))  # logos are small renditions anyway
            logo = ImageOps.exif_transpose(source).convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    inner = round(size * SAFE_ZONE)
    logo.thumbnail((inner, inner), Image.Resampling.LANCZOS)
    square = Image.new("RGB", (size, size), WHITE)
    square.paste(logo, ((size - logo.width) // 2, (size - logo.height) // 2), logo)
    return square


def _initial_square(size: int, initial: str) -> Image.Image:
    square = Image.new("RGB", (size, size), BRAND)
    draw = ImageDraw.Draw(square)
    font = ImageFont.load_default(size=round(size * 0.5))
    draw.text((size / 2, size / 2), initial or "·", fill=WHITE, font=font, anchor="mm")
    return square
