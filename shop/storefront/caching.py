"""HTTP caching for public pages: ETags from the catalog version, no cookies, no session.

A shop page is the same for every shopper, so when a post goes viral a browser, a
reverse proxy or a CDN can answer for us. That holds only while the pages carry no
per-visitor state: the storefront runs without a session at all (see
`detach_session`), and every public page says how long it may be kept.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, make_response, request
from flask.globals import request_ctx

PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=600"
PRIVATE_CACHE = "private, no-store"
ROOT = Path(__file__).resolve().parent.parent.parent


def detach_session() -> None:
    """Give this request a read-only null session (a before_request hook).

    Nothing on a public page may write to the session (a write now raises), and
    Flask adds neither ``Set-Cookie`` nor ``Vary: Cookie`` for a null session, even
    when an extension reads it (Flask-Login does after every request).
    """
    ctx = request_ctx._get_current_object()
    if hasattr(ctx, "_session"):  # Flask 3.1 keeps the opened session here
        ctx._session = current_app.session_interface.make_null_session(current_app)


@lru_cache(maxsize=1)
def code_version() -> str:
    """Changes whenever a storefront template, script or style sheet changes (a deploy)."""
    digest = hashlib.sha256()
    for folder, pattern in (
        ("templates/storefront", "*.html"),
        ("templates", "base.html"),
        ("static/js", "*.js"),
        ("static/css", "shop.css"),
    ):
        for path in sorted((ROOT / folder).glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def shop_etag(shop, *parts: object) -> str:
    """An ETag that changes when the shop's catalog, language or the code changes."""
    key = ":".join(
        str(part) for part in (code_version(), shop.id, shop.catalog_version, shop.language, *parts)
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def not_modified(etag: str) -> Response | None:
    """A bodiless 304 when the browser already holds this version, else None.

    If-None-Match compares weakly: a proxy that compresses the page may have
    turned our ETag into W/"...", and that is still the same page.
    """
    if not request.if_none_match.contains_weak(etag):
        return None
    response = Response(status=304)
    return public(response, etag)


def public(response, etag: str) -> Response:
    """Mark a page anyone may cache for a minute (then revalidate with the ETag)."""
    response = make_response(response)
    response.set_etag(etag)
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


def private(response) -> Response:
    """Mark a page that must not be stored anywhere (order pages, personal forms)."""
    response = make_response(response)
    response.headers["Cache-Control"] = PRIVATE_CACHE
    return response
