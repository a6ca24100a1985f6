"""A shop's web app manifest: "Add to home screen" installs that shop, not Vitrina.

Its scope is the shop's own pages (the path form ``/s/<slug>``, or ``/`` on the shop's
own host), so the installed app opens the shop and stays in it.
"""

from __future__ import annotations

SHORT_NAME_LENGTH = 12  # what a home screen shows under an icon
THEME_COLOUR = "#0b7a4b"  # static/css/shop.css --brand


def short_name(name: str) -> str:
    """The name cut at a word for a home screen, or at 12 characters if one word is longer."""
    name = " ".join(name.split())
    if len(name) <= SHORT_NAME_LENGTH:
        return name
    words = name[: SHORT_NAME_LENGTH + 1].rsplit(" ", 1)
    cut = words[0] if len(words) > 1 and words[0] else name[:SHORT_NAME_LENGTH]
    return cut.rstrip(" -·,.")


def manifest(*, name: str, language: str, scope: str, icons: dict[int, str]) -> dict:
    """The manifest of a shop whose pages live under `scope`, with `icons` by size."""
    return {
        "id": scope,
        "name": name,
        "short_name": short_name(name),
        "lang": language,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": src, "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
            for size, src in sorted(icons.items())
            for purpose in ("any", "maskable")
        ],
    }
