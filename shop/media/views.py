"""Serving stored renditions: public, cookie-free and cacheable forever.

A name is a content hash, so the bytes behind it never change: browsers, proxies
and CDNs may keep them for a year without asking again. Only names the pipeline
makes are looked up at all; anything else is a plain 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from ..storefront.caching import detach_session
from .names import content_type, is_valid_name
from .storage import LocalStorage, get_storage

bp = Blueprint("media", __name__)
# No session at all: no Set-Cookie and no `Vary: Cookie`, which would stop shared caches.
bp.before_request(detach_session)

ONE_YEAR = 365 * 24 * 60 * 60


@bp.get("/media/<name>")
def serve(name: str):
    if not is_valid_name(name):
        abort(404)
    storage = get_storage()
    if isinstance(storage, LocalStorage):
        # A path lets the server send the file itself (length, ranges, sendfile).
        source = storage.path(name)
        if not source.is_file():
            abort(404)
    else:
        try:
            source = storage.open(name)
        except FileNotFoundError:
            abort(404)
    response = send_file(
        source,
        mimetype=content_type(name),
        etag=name.split(".", 1)[0],  # the content hash: the same on every server
        max_age=ONE_YEAR,
        conditional=True,
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.cache_control.no_cache = None
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
