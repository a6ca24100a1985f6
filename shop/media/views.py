"""Serving stored renditions: public, cookie-free and cacheable forever.

A name is a content hash, so the bytes behind it never change: browsers, proxies
and CDNs may keep them for a year without asking again. Only names the pipeline
makes are looked up at all; anything else is a plain 404.

Where the bytes come from depends on the storage: the local folder is sent as a
file; a bucket is streamed through the app, unless MEDIA_BASE_URL says a CDN (or
the bucket itself) serves them, in which case /media/ only redirects old links there.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, request, send_file

from shop.media.commands import check_command, import_command
from shop.media.names import content_type, is_valid_name
from shop.media.storage import LocalStorage, Storage, StorageError, get_storage
from shop.media.urls import media_base_url, media_url
from shop.web.errors import render_error

# Its path gets no session at all (shop.web.sessions): no Set-Cookie and no
# `Vary: Cookie`, which would stop shared caches.
bp = Blueprint("media", __name__)
# `flask --app shop media import|check`
bp.cli.add_command(import_command)
bp.cli.add_command(check_command)

ONE_YEAR = 365 * 24 * 60 * 60
ONE_DAY = 24 * 60 * 60
CHUNK = 64 * 1024


@bp.get("/media/<name>")
def serve(name: str):
    if not is_valid_name(name):
        abort(404)
    storage = get_storage()
    if isinstance(storage, LocalStorage):
        # A local folder is served by the app even with MEDIA_BASE_URL set: it is then
        # the origin the CDN fills itself from.
        return _immutable(_send_local(storage, name))
    if media_base_url():
        # The bucket (or the CDN before it) serves media; links already out there, in old
        # link previews say, still lead to the picture.
        response = redirect(media_url(name), 301)
        response.cache_control.public = True
        response.cache_control.max_age = ONE_DAY  # MEDIA_BASE_URL may change one day
        return response
    return _immutable(_stream(storage, name))


def _etag(name: str) -> str:
    return name.split(".", 1)[0]  # the content hash: the same on every server


def _send_local(storage: LocalStorage, name: str) -> Response:
    # A path lets the server send the file itself (length, ranges, sendfile).
    source = storage.path(name)
    if not source.is_file():
        abort(404)
    return send_file(
        source,
        mimetype=content_type(name),
        etag=_etag(name),
        max_age=ONE_YEAR,
        conditional=True,
    )


def _stream(storage: Storage, name: str) -> Response:
    """The object from the bucket, passed on as it arrives (never held in memory)."""
    etag = _etag(name)
    if request.if_none_match.contains_weak(etag):
        # Whoever holds this ETag holds these very bytes: no need to ask the bucket.
        response = Response(status=304)
        response.set_etag(etag)
        return response
    try:
        source = storage.open(name)
    except FileNotFoundError:
        abort(404)
    chunks = iter(lambda: source.read(CHUNK), b"")
    response = Response(chunks, mimetype=content_type(name))
    response.call_on_close(source.close)  # also for HEAD, whose body is never read
    response.set_etag(etag)
    length = getattr(source, "length", None)  # S3File knows it; Content-Length, not chunked
    if length is not None:
        response.content_length = length
    return response


def _immutable(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    response.cache_control.no_cache = None
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.app_errorhandler(StorageError)
def storage_unavailable(error: StorageError):
    """The media store is down or misconfigured: say "try again soon", never a traceback.
    Registered for the whole app, as uploads in the dashboard reach the store too."""
    current_app.logger.error("media storage failed: %s", error)
    body, status = render_error(503)
    return body, status, {"Retry-After": "30", "Cache-Control": "no-store"}
