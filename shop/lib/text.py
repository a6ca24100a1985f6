"""Text as people type it, and numbers as forms and carts send them: one rule each for
the whole app, so a name, a search or an id is read the same way everywhere."""

from __future__ import annotations

import re
import unicodedata

# The largest id a 32-bit integer column holds: a larger one never names a row, and
# PostgreSQL refuses even to compare it with such a column.
MAX_ID = 2**31 - 1
# The escape character of every LIKE pattern the app builds (see escape_like).
LIKE_ESCAPE = "\\"
# Bidi overrides can make a name read backwards (a disguised shop or product name).
_BIDI_OVERRIDES = "\u202a\u202b\u202d\u202e"
_DIGITS = re.compile(r"[0-9]{1,18}")


def drop_controls(text: str, keep: str = "\n\t") -> str:
    """Remove control characters (PostgreSQL refuses NUL), but those in `keep`."""
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) != "Cc")


def clean_line(text: str | None) -> str:
    """One line of text as typed, minus control characters, bidi overrides and
    surrounding spaces."""
    text = "".join(" " if ch in "\r\n\t" else ch for ch in (text or ""))
    return _no_overrides(drop_controls(text, keep="")).strip()


def clean_text(text: str | None) -> str:
    """Several lines of text, newlines kept (as \\n), control characters dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = (_no_overrides(drop_controls(line, keep="")).rstrip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def _no_overrides(text: str) -> str:
    return "".join(ch for ch in text if ch not in _BIDI_OVERRIDES)


def escape_like(text: str) -> str:
    """Make %, _ and the escape character match themselves in a LIKE pattern; use the
    pattern with ``escape=LIKE_ESCAPE``."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def whole_number(value: object) -> int | None:
    """An integer sent as a number or as ASCII digits; None for anything else.

    Bounded to what an id column holds: PostgreSQL refuses to even compare a larger
    number with an integer column, which would turn a silly cart into a 500.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() and abs(value) < 1e15 else None
    elif isinstance(value, str):
        value = int(value.strip()) if _DIGITS.fullmatch(value.strip()) else None
    if isinstance(value, int) and -MAX_ID <= value <= MAX_ID:
        return value
    return None
