"""How stored renditions are named: a content hash plus what the file is.

Names never change meaning: the same name always holds the same bytes, so a
rendition can be cached forever (``immutable``). The one pattern below is what
storage accepts and what /media/ serves; anything else is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Widths of the WebP renditions a page can ask for, smallest first.
WIDTHS = (320, 640, 1280)
PREVIEW_SIZE = (1200, 630)

# <sha256 hex>-<width>.webp (a width, at most 4 digits, for small originals too)
# or <sha256 hex>-og.jpg (the link preview).
NAME_PATTERN = re.compile(r"[0-9a-f]{64}-(?:[1-9][0-9]{0,3}\.webp|og\.jpg)")

CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}


def closest_width(widths: Iterable[int], wanted: int) -> int:
    """The rendition width closest to `wanted`; a tie goes to the larger one (sharper)."""
    return min(widths, key=lambda width: (abs(width - wanted), -width))


def rendition_name(key: str, width: int) -> str:
    """File name of the WebP rendition `width` pixels wide."""
    return f"{key}-{width}.webp"


def preview_name(key: str) -> str:
    """File name of the 1200x630 JPEG link preview (og:image)."""
    return f"{key}-og.jpg"


def is_valid_name(name: str) -> bool:
    """True for names the pipeline makes; everything else is refused everywhere."""
    return NAME_PATTERN.fullmatch(name) is not None


def content_type(name: str) -> str:
    return CONTENT_TYPES[name.rsplit(".", 1)[-1]]
