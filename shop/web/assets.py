"""Static files under content-hashed names, cached for a year; plain names for minutes.

``url_for("static", filename="css/shop.css")`` (and the ``asset_url`` template helper)
gives ``/static/css/shop.<hash>.css``: the name changes whenever the file does, so
browsers and CDNs may keep it forever (``immutable``) and a deploy is seen at once.
A plain name, or a hash that is no longer current (a page cached before a deploy),
is still served, with a short cache. Text files are kept in memory, gzip-compressed
once, so serving one costs neither a disk read nor compression.

Flask's own static route calls the app's `send_static_file`, which the app
(shop/app.py) answers with `serve_static`; like every public path, /static/ runs
without a session (see sessions.py), so CDNs keep one copy for everyone.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
import threading
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    has_request_context,
    request,
    send_file,
    url_for,
)
from werkzeug.security import safe_join

from shop.web.compression import accepts_gzip, gzip_smallest, is_compressible

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
DIGEST_LENGTH = 10
FINGERPRINTED = re.compile(rf"(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<ext>\.\w+)")
EXTENSION = "vitrina.assets"
MAX_URLS = 4096


@dataclass(frozen=True)
class Asset:
    path: str
    stamp: tuple[int, int]  # (mtime_ns, size): a changed file is read again
    digest: str
    mimetype: str
    body: bytes | None  # text files only; others are sent from disk
    gzipped: bytes | None


class Assets:
    """The static folder's files, hashed (and for text, held in memory) on first use."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._known: dict[str, Asset] = {}
        self._lock = threading.Lock()
        # Each file's URL by its name, content and the root path the app is served at:
        # url_for once per version of a file, not six times per new shop page frame.
        self.urls: dict[tuple[str, str, str], str] = {}

    def get(self, filename: str) -> Asset | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        known = self._known.get(filename)
        if known is not None and known.stamp == stamp:
            return known
        asset = _load(path, stamp)
        with self._lock:
            self._known[filename] = asset
        return asset

    def load_all(self) -> int:
        """Hash (and gzip) every file now, as the app starts rather than on the first
        page that links each; returns how many there are. In a request's context (the
        app's start-up makes one), their URLs are made too."""
        count = 0
        for path in sorted(Path(self.folder).rglob("*")):
            name = path.relative_to(self.folder).as_posix()
            if path.is_file() and self.get(name):
                count += 1
                if has_request_context():
                    asset_url(name)
        return count

    def fingerprinted(self, filename: str) -> str:
        """``css/shop.css`` -> ``css/shop.<hash>.css``; unknown files keep their name."""
        asset = self.get(filename)
        if asset is None:
            return filename
        stem, dot, ext = filename.rpartition(".")
        if not dot or "/" in ext:
            return f"{filename}.{asset.digest}"
        return f"{stem}.{asset.digest}.{ext}"


def _load(path: str, stamp: tuple[int, int]) -> Asset:
    data = Path(path).read_bytes()
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mimetype == "application/javascript":
        mimetype = "text/javascript"  # RFC 9239
    text = is_compressible(mimetype)
    return Asset(
        path=path,
        stamp=stamp,
        digest=sha256(data).hexdigest()[:DIGEST_LENGTH],
        mimetype=mimetype,
        body=data if text else None,
        gzipped=gzip_smallest(data) if text else None,
    )


def init_app(app: Flask) -> None:
    """Know the static folder's files, and fingerprint every static URL."""
    if not app.static_folder:
        return
    app.extensions[EXTENSION] = Assets(app.static_folder)
    app.url_defaults(_fingerprint_static_urls)
    app.jinja_env.globals["asset_url"] = asset_url


def assets() -> Assets:
    return current_app.extensions[EXTENSION]


def asset_url(filename: str) -> str:
    """Template helper: the fingerprinted URL of a static file (``asset_url('css/shop.css')``),
    as url_for writes it; a changed file is noticed (its name carries the new hash)."""
    files = assets()
    found = files.get(filename)
    if found is None:
        return url_for("static", filename=filename)
    urls = files.urls
    key = (filename, found.digest, request.script_root)
    url = urls.get(key)
    if url is None:
        if len(urls) > MAX_URLS:  # old versions of files changed while it ran
            urls.clear()
        url = urls[key] = url_for("static", filename=filename)
    return url


def _fingerprint_static_urls(endpoint: str | None, values: dict) -> None:
    if endpoint == "static" and "filename" in values:
        values["filename"] = assets().fingerprinted(values["filename"])


def serve_static(filename: str):
    """A static file: for a year under its current hash, for minutes under any other name."""
    found = assets().get(filename)
    immutable = False
    if found is None:
        match = FINGERPRINTED.fullmatch(filename)
        if match is None:
            abort(404)
        found = assets().get(match["stem"] + match["ext"])
        if found is None:
            abort(404)
        immutable = found.digest == match["digest"]
    cache_control = IMMUTABLE if immutable else SHORT
    if found.body is None:
        response = send_file(found.path, mimetype=found.mimetype, etag=found.digest)
        response.headers["Cache-Control"] = cache_control
        return response
    gzip_wanted = accepts_gzip()
    etag = found.digest + ("-gz" if gzip_wanted else "")
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(found.gzipped if gzip_wanted else found.body, mimetype=found.mimetype)
        if gzip_wanted:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    response.vary.add("Accept-Encoding")
    return response
