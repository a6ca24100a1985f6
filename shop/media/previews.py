"""The picture a shop's link shows in WhatsApp, Instagram and Facebook (og:image).

A 1200x630 JPEG made on demand: the shop's logo on a background that suits it, or,
without a logo, the shop's name on a colour picked from the name. It is stored
under a hash of what it is made from, so asking again costs one hash and one
existence check, and a new logo or name gives a new URL (old ones stay cached).
Item links use their cover photo's own preview rendition (urls.preview_url).
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageStat

from shop.media.names import PREVIEW_SIZE, preview_name, rendition_name
from shop.media.renditions import encode_jpeg
from shop.media.storage import get_storage
from shop.media.urls import media_url
from shop.models import Shop

VERSION = "vitrina-shop-preview-1"
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",  # Debian fonts-dejavu-core
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)
# Deep, friendly colours that white text reads well on.
PALETTE = (
    (15, 118, 110),  # teal
    (194, 65, 12),  # terracotta
    (67, 56, 202),  # indigo
    (21, 128, 61),  # green
    (190, 24, 93),  # raspberry
    (3, 105, 161),  # ocean
    (126, 34, 206),  # violet
    (161, 98, 7),  # amber
)
MARGIN = 70
LOGO_BOX = (PREVIEW_SIZE[0] - 2 * MARGIN, PREVIEW_SIZE[1] - 2 * MARGIN)
NAME_SIZES = (110, 96, 84, 72, 62, 54, 46, 40)
EMOJI_JOINERS = {"\u200d", *(chr(c) for c in range(0xFE00, 0xFE10))}


def shop_preview_name(shop: Shop) -> str:
    """Stored name of the shop's link preview, made now if it does not exist yet."""
    storage = get_storage()
    name = _recipe_name(f"logo:{shop.logo.key}" if shop.logo else f"name:{shop.name}")
    if storage.exists(name):
        return name
    logo = _load_logo(shop)
    if logo is None and shop.logo is not None:
        # The logo's renditions are gone from storage: show the name card, under its own
        # name, so the logo card is still made once the logo is back.
        name = _recipe_name(f"name:{shop.name}")
        if storage.exists(name):
            return name
    storage.save(name, render_shop_preview(shop.name, logo))
    return name


def shop_preview_url(shop: Shop, *, external: bool = False) -> str:
    """URL of the shop's link preview (og:image wants `external`)."""
    return media_url(shop_preview_name(shop), external)


def render_shop_preview(shop_name: str, logo: Image.Image | None = None) -> bytes:
    """The 1200x630 JPEG: the logo card when there is a logo, else the name card."""
    card = _logo_card(logo) if logo else _name_card(shop_name)
    return encode_jpeg(card)


def _recipe_name(source: str) -> str:
    """A hash of everything the picture is made from (so it can be cached forever)."""
    recipe = "\0".join([VERSION, _font_id(), source])
    return preview_name(hashlib.sha256(recipe.encode()).hexdigest())


def _load_logo(shop: Shop) -> Image.Image | None:
    """The largest stored rendition of the logo; None if there is none (or it is gone)."""
    if shop.logo is None:
        return None
    name = rendition_name(shop.logo.key, max(shop.logo.widths or [shop.logo.width]))
    try:
        data = get_storage().read(name)
        logo = Image.open(io.BytesIO(data), formats=["WEBP"])
        logo.load()
    except (OSError, ValueError):
        return None
    return logo.convert("RGBA")


def _logo_card(logo: Image.Image) -> Image.Image:
    """The logo, contained and centred, over a colour drawn from it. No name: logos
    usually carry it, and the link preview shows the page title beside the picture."""
    card = Image.new("RGB", PREVIEW_SIZE, _background_for(logo))
    scale = min(LOGO_BOX[0] / logo.width, LOGO_BOX[1] / logo.height, 2.0)
    if scale != 1:
        size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
        logo = logo.resize(size, Image.Resampling.LANCZOS)
    position = ((PREVIEW_SIZE[0] - logo.width) // 2, (PREVIEW_SIZE[1] - logo.height) // 2)
    card.paste(logo, position, logo)
    return card


def _name_card(shop_name: str) -> Image.Image:
    """The shop's name, large and centred, on a colour picked from the name."""
    digest = hashlib.sha256(shop_name.encode()).digest()
    card = Image.new("RGB", PREVIEW_SIZE, PALETTE[digest[0] % len(PALETTE)])
    box = (MARGIN, MARGIN, PREVIEW_SIZE[0] - MARGIN, PREVIEW_SIZE[1] - MARGIN)
    _draw_text(card, shop_name, box, (255, 255, 255), sizes=NAME_SIZES, max_lines=3)
    return card


def _background_for(logo: Image.Image) -> tuple[int, int, int]:
    """An opaque logo with a plain border gets that border colour (it blends in);
    otherwise a pale tint of the logo's average colour (a dark one for a light logo)."""
    alpha = logo.getchannel("A")
    rgb = logo.convert("RGB")
    if alpha.getextrema()[0] == 255:
        corners = [rgb.getpixel(p) for p in _corners(rgb.size)]
        if max(_distance(corners[0], c) for c in corners) < 24:
            return corners[0]
    if alpha.getextrema()[1] == 0:
        return (241, 245, 249)
    average = tuple(int(v) for v in ImageStat.Stat(rgb, alpha).mean)
    if _luminance(average) > 200:  # a white logo on transparency needs a dark stage
        return _mix(average, (17, 24, 39), 0.85)
    return _mix(average, (255, 255, 255), 0.82)


def _corners(size: tuple[int, int]) -> list[tuple[int, int]]:
    w, h = size
    return [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)]


def _distance(a, b) -> int:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def _mix(color, other, amount: float) -> tuple[int, int, int]:
    return tuple(round(c * (1 - amount) + o * amount) for c, o in zip(color, other, strict=True))


def _luminance(color) -> float:
    r, g, b = color[:3]
    return 0.299 * r + 0.587 * g + 0.114 * b


# --- text ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _font_file() -> str | None:
    for path in FONT_FILES:
        try:
            ImageFont.truetype(path, 12)
        except OSError:
            continue
        return path
    return None


def find_font() -> str:
    """The font previews are drawn with, found now: a worker's start-up calls it, as
    every shop page names its preview after it and probing loads the font (0.4 ms)."""
    return _font_id()


def _font_id() -> str:
    return _font_file() or "pillow-default"


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_file()
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)  # Pillow's own scalable font when FreeType is there


def _printable(text: str, font) -> str:
    """Drop characters the font would draw as empty boxes (emoji, in most fonts)."""
    missing = _glyph(font, "\U000f0000")  # a private-use code point: no font has it
    kept: list[str] = []
    base_dropped = False
    for char in text:
        if unicodedata.category(char)[0] == "M" or unicodedata.category(char) == "Cf":
            # Accents stay with their letter; joiners and emoji variation selectors
            # would otherwise be drawn on their own, as a dotted circle.
            if not base_dropped and char not in EMOJI_JOINERS:
                kept.append(char)
            continue
        base_dropped = not char.isspace() and _glyph(font, char) == missing
        if not base_dropped:
            kept.append(char)
    return " ".join("".join(kept).split())


@lru_cache(maxsize=4096)
def _glyph(font, char: str) -> bytes:
    size = 64
    canvas = Image.new("L", (size, size))
    ImageDraw.Draw(canvas).text((size // 4, size // 4), char, font=font, fill=255)
    return canvas.tobytes()


def _wrap(text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _shorten(line: str, font, width: int) -> str:
    while line and font.getlength(line + "…") > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _draw_text(card, text, box, ink, sizes, max_lines) -> None:
    """Centre `text` in `box` at the largest size that fits in `max_lines` lines;
    at the smallest size, whatever does not fit ends in an ellipsis."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    text = _printable(text, _font(24))
    for size in sizes:
        font = _font(size)
        line_height = round(size * 1.2)
        lines = _wrap(text, font, width)
        if (
            len(lines) <= max_lines
            and line_height * len(lines) <= height
            and all(font.getlength(line) <= width for line in lines)
        ):
            break
    else:
        cut = len(lines) > max_lines
        lines = lines[:max_lines]
        lines = [
            _shorten(line, font, width) if font.getlength(line) > width else line for line in lines
        ]
        if cut and not lines[-1].endswith("…"):
            lines[-1] = _shorten(lines[-1], font, width) if lines[-1] else "…"
    if not lines:
        return
    draw = ImageDraw.Draw(card)
    y = top + (height - line_height * len(lines)) / 2 + line_height / 2
    for line in lines:
        draw.text(((left + right) / 2, y), line, font=font, fill=ink, anchor="mm")
        y += line_height
