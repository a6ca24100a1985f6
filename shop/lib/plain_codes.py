"""One rule for the short texts people read off a post and type back: shop slugs and
discount codes.

They may hold only ASCII letters a-z, digits and single hyphens, and are compared
lowercased. Everything else is refused rather than folded, because it can look like
an allowed letter and be another: a Cyrillic a (U+0430) or a Greek o (U+03BF) in
VERANO10, a full-width A (U+FF21), an accent or a zero-width space. A code or link
that looks the same as another therefore is the same. The transliterated suggestion
(python-slugify) tells the person what to type instead.
"""

from __future__ import annotations

import re

from slugify import slugify

PLAIN_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def fold(text: str | None) -> str:
    """What was typed, trimmed and lowercased (nothing else is changed)."""
    return (text or "").strip().lower()


def is_plain(folded: str) -> bool:
    """True when `folded` (see fold) has only a-z, digits and single hyphens."""
    return bool(PLAIN_PATTERN.fullmatch(folded))


def plain_suggestion(text: str, max_length: int) -> str:
    """``Café Niño`` -> ``cafe-nino``: the nearest plain text; "" when nothing is usable.

    Chinese, Cyrillic, Arabic and Greek are transliterated; emoji are dropped.
    """
    return slugify(text or "", max_length=max_length, word_boundary=True, lowercase=True)
