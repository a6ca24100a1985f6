"""Redirect targets we accept from the outside world."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_safe_path(target: str | None) -> bool:
    """True only for a path on this site: ``/dashboard``, never ``//evil`` or ``https://evil``.

    Browsers treat a backslash like a slash and ignore tabs and newlines, so
    ``/\\evil.example`` and ``/\\t/evil.example`` are refused too.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return False
    if any(ch in target for ch in "\\\t\r\n\x00") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_path(target: str | None, default: str) -> str:
    return target if is_safe_path(target) else default
