"""HTTP caching for public pages: ETags from the catalog version, kept pages, no cookies.

A shop page is the same for every shopper, so when a post goes viral a browser, a
reverse proxy or a CDN can answer for us, and when one does not, the page is served
from the page cache (page_cache.py) after one small query for the shop's current
catalog_version. That holds only while the pages carry no per-visitor state: the
storefront runs without a session at all (see shop.web.sessions), and every public
page says how long it may be kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, g, request

from shop.storefront.fast.page_cache import NoPages, pages
from shop.web.caching import not_modified, public
from shop.web.compression import accepts_gzip, gzip_bytes, gzip_smallest

ROOT = Path(__file__).resolve().parents[3]
HTML = "text/html; charset=utf-8"
# What a deploy can change in a public page: its templates, code, styles, scripts
# and translations.
VERSIONED_FILES = (
    ("templates", "**/*.html"),
    ("static", "**/*"),
    ("shop", "**/*.py"),
    ("shop/translations", "**/*.mo"),
)


@lru_cache(maxsize=1)
def code_version() -> str:
    """Changes whenever a deploy changes anything a public page is made of."""
    digest = hashlib.sha256()
    for folder, pattern in VERSIONED_FILES:
        for path in sorted((ROOT / folder).glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_settings(config) -> str:
    """The settings a public page's HTML is made with (the service worker's and the
    analytics script's tags). They are in its ETag, so servers configured differently
    never answer with each other's kept pages (the disk and Redis page caches outlive
    a restart and are shared), nor a browser keep a page made before a change."""
    return "sw{:d}-stats{:d}".format(
        bool(config.get("SERVICE_WORKER")), bool(config.get("ANALYTICS_BEACON", True))
    )


def shop_etag(
    shop, *parts: object, language: str | None = None, settings: str | None = None
) -> str:
    """An ETag that changes when the shop's catalog, language, the code or the page
    settings change, and differs per language the page is written in (`language`, the
    shop's by default). `settings` is page_settings() of the app's config: the current
    app's unless given (the fast path, which runs outside the app context, gives it).

    The shop's creation time is in it too: a shop deleted and another created under
    the same id (SQLite reuses ids) must not answer with the old one's pages.
    """
    if settings is None:
        settings = page_settings(current_app.config)
    key = ":".join(
        str(part)
        for part in (
            code_version(),
            settings,
            shop.id,
            shop.created_at,
            shop.catalog_version,
            language or shop.language,
            *parts,
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def site_of(environ: dict) -> str:
    """The site address a request's absolute links are made with (link cards, canonical
    URLs): its scheme, host and script root, as Flask builds them."""
    return "{}://{}{}".format(
        environ.get("wsgi.url_scheme", "http"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
        environ.get("SCRIPT_NAME", ""),
    )


def page_key(etag: str, environ: dict) -> str:
    """The page cache's key: the page's version plus the site address its links use
    (link cards carry absolute URLs, so a page made for one host is not another's)."""
    site = site_of(environ)
    return f"page:{etag}:{hashlib.sha256(site.encode()).hexdigest()[:16]}"


def serve_page(etag: str, render: Callable[[], str | bytes], *, keep: bool = True) -> Response:
    """A public HTML page: 304 if the browser has it, else rendered, gzip-compressed
    when the browser takes it, and kept in the page cache (both ways) unless `keep`
    is false. Kept pages are served by the fast path (middleware.py) before Flask."""
    unchanged = not_modified(etag)
    if unchanged is not None:
        return unchanged
    page = render()
    raw = page if isinstance(page, bytes) else page.encode()
    gzip_wanted = accepts_gzip()
    keep = keep and not isinstance(pages(), NoPages)
    # A kept page is sent many times: the smallest gzip (zlib 9, 1.8 ms for 200
    # products) is worth it on a phone's network; a page sent once gets the fast one.
    compress = gzip_smallest if keep else gzip_bytes
    compressed = compress(raw) if gzip_wanted or keep else None
    if keep:
        g.keep_page = (page_key(etag, request.environ), raw, compressed)
    response = Response(compressed if gzip_wanted else raw, content_type=HTML)
    if gzip_wanted:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return public(response, etag, weak=gzip_wanted)
