"""How long a response may be kept, and by whom: public pages for a minute (then
revalidated with their ETag), personal pages nowhere."""

from __future__ import annotations

from flask import Response, make_response, request

from shop.web.compression import accepts_gzip

PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=600"
# A 304 carries only what guides caches (RFC 9110 15.4.5, as Django sends it): the
# browser keeps the headers of the page it stored, security headers included, and
# updates them from these. The fast path sends the same, plus the ETag.
NOT_MODIFIED_HEADERS = (("Vary", "Accept-Encoding"), ("Cache-Control", PUBLIC_CACHE))
PRIVATE_CACHE = "private, no-store"


def not_modified(etag: str) -> Response | None:
    """A bodiless 304 when the browser already holds this version, else None.

    If-None-Match compares weakly: the compressed page carries the weak form of the
    ETag (see compression.py), and a proxy may have weakened a strong one.
    """
    if not request.if_none_match.contains_weak(etag):
        return None
    response = Response(status=304, headers=NOT_MODIFIED_HEADERS)
    response.set_etag(etag, weak=accepts_gzip())
    return response


def public(response, etag: str, *, weak: bool = False) -> Response:
    """Mark a page anyone may cache for a minute (then revalidate with the ETag)."""
    response = make_response(response)
    response.set_etag(etag, weak=weak)
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


def private(response) -> Response:
    """Mark a page that must not be stored anywhere (order pages, personal forms)."""
    response = make_response(response)
    response.headers["Cache-Control"] = PRIVATE_CACHE
    return response
