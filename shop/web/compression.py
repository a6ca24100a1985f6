"""gzip for text responses: a 250 KB shop page travels as about 20 KB on a phone network.

Every text response of at least MIN_SIZE bytes is compressed when the browser says it
takes gzip; it then carries ``Vary: Accept-Encoding`` (so no cache hands it to one
that does not) and a weak ETag (the same page, another encoding: RFC 9110 8.8.1, and
what If-None-Match compares anyway). Pages the app keeps compressed (the cached
storefront, static files) arrive here already encoded and are left alone.

Responses are compressed with ISA-L (Intel's gzip, through the `isal` package): on
a 170 KB shop page it takes 87 µs for 14.9 KB, where zlib takes 507 µs for 16.1 KB
at level 1 and 1.8 ms for 12.7 KB at level 9. Pages sent once (searches, or with no
page cache) get the fast level. Pages kept in the page cache and static files are sent
many times, to phones on slow networks, and get zlib's smallest (gzip_smallest): on the
1,000-product page the few KB more pushed Lighthouse's LCP past 2 s.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

from flask import Response, request
from isal import igzip

MIN_SIZE = 500  # below this, gzip's own header and the work cost more than they save
# ISA-L's levels are 0 to 3; 2 gives its smallest output for HTML (3 is slower and,
# on these pages, larger).
LEVEL = 2
COMPRESSIBLE = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "application/rss+xml",
        "image/svg+xml",
        "text/javascript",
    }
)


def accepts_gzip() -> bool:
    """True when this request's browser takes gzip (``Accept-Encoding: gzip, br``)."""
    return gzip_accepted(request.headers.get("Accept-Encoding"))


@lru_cache(maxsize=256)
def gzip_accepted(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip: named (or ``*``) with q above 0.
    Browsers send a handful of distinct headers, so each is parsed once."""
    if not header:
        return False
    gzip_q = star_q = None
    for part in header.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if name not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name == "*":
            star_q = q
        else:
            gzip_q = q
    if gzip_q is not None:
        return gzip_q > 0
    return star_q is not None and star_q > 0


def gzip_bytes(data: bytes) -> bytes:
    """Fast gzip, always the same bytes for the same input (no timestamp), so caches
    can keep them."""
    return igzip.compress(data, compresslevel=LEVEL, mtime=0)


def gzip_smallest(data: bytes) -> bytes:
    """zlib's smallest gzip (several times slower): for files compressed once."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def is_compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and (mimetype.startswith("text/") or mimetype in COMPRESSIBLE)


def compress_response(response: Response) -> Response:
    """An after_request hook, the first to run (shop/pipeline.py): gzip the body when
    it is text, large enough and wanted."""
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code < 200
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or not is_compressible(response.mimetype)
        or "no-transform" in (response.headers.get("Cache-Control") or "")
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return response
    response.set_data(gzip_bytes(body))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response
