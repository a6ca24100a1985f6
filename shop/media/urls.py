"""Where a stored image's renditions are served from (used by templates and feeds).

Every media URL is built by media_url(): ``/media/<name>`` on the app itself, or
``<MEDIA_BASE_URL>/<name>`` when a CDN or the bucket's public address serves them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for

from shop.media.names import closest_width, is_valid_name, preview_name, rendition_name
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
    pattern = media_pattern(external) if is_valid_name(name) else None
    if pattern is None:
        return url_for("media.serve", name=name, _external=external)
    return name.join(pattern)


# Media URLs are a prefix and a name: the app's own prefix is made by url_for once per
# address a request came to (a page names its logo three times, its link card's picture
# once, and a shop page every card's pictures: each a url_for of some 15 µs). The names
# the pipeline makes are hex digits, a dash and a width or "og" (shop.media.names):
# nothing in them is escaped; media_url leaves any other name to url_for.
_PATTERNS = "vitrina.media_patterns"
_MAX_PATTERNS = 1024
_SAMPLES = ("0" * 64 + "-320.webp", "f" * 64 + "-og.jpg")


def media_pattern(external: bool = False) -> tuple[str, str] | None:
    """(before, after) a valid name in its media URL; None where only url_for knows
    (outside a request, or URLs that are not a prefix and a name)."""
    base = media_base_url()
    if base:
        return f"{base}/", ""
    if not has_request_context():
        return None
    environ = request.environ
    key = (
        external,
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
        environ.get("SCRIPT_NAME", ""),
    )
    kept = current_app.extensions.setdefault(_PATTERNS, {})
    if key not in kept:
        first, second = (url_for("media.serve", name=n, _external=external) for n in _SAMPLES)
        before, found, after = first.partition(_SAMPLES[0])
        simple = found and second == f"{before}{_SAMPLES[1]}{after}"
        if len(kept) >= _MAX_PATTERNS:
            kept.clear()
        kept[key] = (before, after) if simple else None  # None: url_for every time
    return kept[key]


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
