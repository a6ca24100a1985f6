"""Ads pixels a shop may turn on (Meta Pixel, Google Analytics 4): their ids checked by
shape, and the hosts each loads from and sends to.

The ids are public (they sit in every page that loads the pixel), so the checks are
about typing mistakes, not secrets: a Meta Pixel id is a number of 15 or 16 digits
(older ones are shorter), a GA4 measurement id is ``G-`` and ten letters or digits.
The hosts are what the shop's Content-Security-Policy allows, for that shop only
(shop.web.headers), and what the consent script loads after the shopper agrees
(static/js/consent.js); nothing else is ever allowed.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

META_ID = re.compile(r"[0-9]{8,20}")
GA4_ID = re.compile(r"G-[A-Z0-9]{4,16}")

# Where each pixel's script comes from and where its events go (Meta's and Google's
# own documentation of their CSP needs).
META_SOURCES = {
    "script-src": ("https://connect.facebook.net",),
    "img-src": ("https://www.facebook.com",),
    "connect-src": ("https://www.facebook.com", "https://connect.facebook.net"),
}
GA4_SOURCES = {
    "script-src": ("https://www.googletagmanager.com",),
    "img-src": ("https://www.google-analytics.com", "https://www.googletagmanager.com"),
    "connect-src": (
        "https://www.google-analytics.com",
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
        "https://www.googletagmanager.com",
    ),
}


class PixelError(ValueError):
    """An id that cannot be right; the message is for the merchant."""


def clean_meta_pixel_id(text: str | None) -> str | None:
    """The Meta Pixel id as typed (spaces dropped), None when left empty."""
    value = re.sub(r"\s+", "", text or "")
    if not value:
        return None
    if not META_ID.fullmatch(value):
        raise PixelError(
            _l("A Meta Pixel ID is a number of 15 or 16 digits, such as 123456789012345.")
        )
    return value


def clean_ga4_id(text: str | None) -> str | None:
    """The GA4 measurement id in capitals, None when left empty."""
    value = re.sub(r"\s+", "", text or "").upper()
    if not value:
        return None
    if not GA4_ID.fullmatch(value):
        raise PixelError(_l("A Google Analytics 4 measurement ID looks like G-ABC123DEF4."))
    return value


def pixel_sources(meta_pixel_id: str | None, ga4_id: str | None) -> dict[str, tuple[str, ...]]:
    """The CSP sources a shop's pixels need, by directive ({} for a shop without any)."""
    sources: dict[str, tuple[str, ...]] = {}
    for wanted, extra in ((meta_pixel_id, META_SOURCES), (ga4_id, GA4_SOURCES)):
        if not wanted:
            continue
        for directive, hosts in extra.items():
            sources[directive] = sources.get(directive, ()) + hosts
    return sources


def shop_pixel_sources(shop) -> dict[str, tuple[str, ...]]:
    """The CSP sources for `shop`'s public pages (anything with the two id fields)."""
    return pixel_sources(shop.meta_pixel_id, shop.ga4_measurement_id)


def shop_pixels(shop) -> dict[str, str]:
    """The flag a public page carries for the consent script: {"meta": id, "ga4": id},
    empty for a shop without pixels (whose pages then carry nothing at all)."""
    found = {"meta": shop.meta_pixel_id, "ga4": shop.ga4_measurement_id}
    return {name: value for name, value in found.items() if value}
