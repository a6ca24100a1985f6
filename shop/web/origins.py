"""Whether a request came from this site: what protects the posts that carry no CSRF
token (checkout and the language switch need no cookie, so they have no token).

Every current browser says where a form post or fetch comes from, in Sec-Fetch-Site
or Origin; a request that names another site is refused. A request with neither
header comes from no browser page at all (a script, a test), which a token would
not stop either.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

ALLOWED_FETCH_SITES = {"same-origin", "same-site"}


def same_site_request() -> bool:
    """False when a browser tells us another site sent this form or request."""
    headers = request.headers
    return same_site(headers.get("Sec-Fetch-Site"), headers.get("Origin"), request.host)


def same_site(fetch_site: str | None, origin: str | None, host: str) -> bool:
    """same_site_request's rule, from the headers' values (and the request's host):
    for the beacon's fast path, which answers before Flask makes a request."""
    if fetch_site is not None and fetch_site not in ALLOWED_FETCH_SITES:
        return False
    if origin == "null" and fetch_site is not None:
        # A page with "Referrer-Policy: no-referrer" (the order page) sends its form
        # posts with Origin: null; Sec-Fetch-Site, which no page can forge, vouches.
        return True
    if origin is not None:
        return urlsplit(origin).netloc == host
    return True
