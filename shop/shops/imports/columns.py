"""Headers compared as people write them: accents, case, spaces and punctuation aside."""

from __future__ import annotations

import unicodedata


def normalised(header: str) -> str:
    """``Categoría `` -> ``categoria``: accents, case, spaces and punctuation aside."""
    text = unicodedata.normalize("NFKD", header or "")
    return "".join(ch for ch in text.casefold() if ch.isalnum() and ch.isascii())
