"""Where a stored image's renditions are served from (used by templates and feeds).

Every media URL is built by media_url(): ``/media/<name>`` on the app itself, or
``<MEDIA_BASE_URL>/<name>`` when a CDN or the bucket's public address serves them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for

from shop.media.names import closest_width, preview_name, rendition_name
from shop.models import Image


def media_base_url() -> str | None:
    """The public address renditions are served from, without a trailing slash; None
    when the app serves them itself."""
    base = current_app.config.get("MEDIA_BASE_URL")
    return base.rstrip("/") if base else None


def media_origin() -> str | None:
    """``scheme://host[:port]`` of MEDIA_BASE_URL (a page's Content-Security-Policy
    must allow images from it); None when media are served by the app."""
    base = media_base_url()
    if base is None:
        return None
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def media_url(name: str, external: bool = False) -> str:
    """URL of a stored file: ``<MEDIA_BASE_URL>/<name>`` (always absolute) when set,
    else site-relative ``/media/<name>`` unless `external`."""
    base = media_base_url()
    if base:
        return f"{base}/{name}"
    return url_for("media.serve", name=name, _external=external)


def _widths(image: Image) -> list[int]:
    return sorted(image.widths or [image.width])


def image_url(image: Image | None, width: int = 640, *, external: bool = False) -> str:
    """URL of the WebP rendition closest to `width` (a tie goes to the larger one).

    Never asks for more than the largest rendition that exists. An image of None
    gives "" so a template can write ``image_url(item.cover)`` for items without photos.
    """
    if image is None:
        return ""
    best = closest_width(_widths(image), width)
    return media_url(rendition_name(image.key, best), external)


def image_srcset(image: Image | None) -> str:
    """`srcset` value listing every WebP rendition with its width."""
    if image is None:
        return ""
    return ", ".join(f"{media_url(rendition_name(image.key, w))} {w}w" for w in _widths(image))


def preview_url(image: Image | None, *, external: bool = False) -> str:
    """URL of the 1200x630 JPEG link-preview rendition (og:image wants `external`)."""
    if image is None:
        return ""
    return media_url(preview_name(image.key), external)
