"""Security headers on every response, and the CSP nonce a template may ask for.

The Content-Security-Policy allows scripts and styles from this site only: every
script is a file under static/js, so an injected ``<script>`` or ``onerror=`` does
nothing even if it ever slipped past the templates' escaping. Headers a view set
itself (the media files' sandbox policy, the order page's ``no-referrer``) are
stricter on purpose and are kept. A shop that turned on an ads pixel (issue 23) gets
exactly that pixel's hosts added on its own public pages (`allow_sources`); every other
response keeps the usual policy, byte for byte.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, current_app, g
from werkzeug.wrappers import Response

# Checkout without JavaScript answers a form POST with a redirect to WhatsApp, and
# Chromium checks form-action on every hop of that redirect.
FORM_TARGETS = ("https://wa.me", "https://api.whatsapp.com")

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # A page opened from a post on another site cannot reach back into it (window.opener).
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """The nonce helper for templates; shop/pipeline.py puts add_security_headers in line."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def csp_nonce() -> str:
    """This response's nonce, for ``<script nonce="{{ csp_nonce() }}">`` (files are better).

    A page that uses it is different on every request, so it is never stored by a
    shared cache (see add_security_headers): a cached copy would carry a stale nonce.
    """
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def allow_sources(sources: dict[str, tuple[str, ...]]) -> None:
    """Add `sources` (by directive, e.g. a shop's pixel hosts) to this response's policy."""
    if sources:
        g.csp_sources = tuple((name, tuple(hosts)) for name, hosts in sources.items())


def content_security_policy(nonce: str | None = None) -> str:
    """The policy for every page: this site's files, plus the media host when set, plus
    whatever this response was allowed (allow_sources)."""
    media_base = current_app.config.get("MEDIA_BASE_URL") or ""
    extra = g.get("csp_sources", ())
    if nonce:
        return _policy(media_base, FORM_TARGETS, nonce, extra)
    return _usual_policy(media_base, FORM_TARGETS, extra)


def _policy(
    media_base: str,
    form_targets: tuple[str, ...],
    nonce: str | None,
    extra: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> str:
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    images = " ".join(["'self'", "data:", *_media_origin(media_base)])
    directives = {
        "default-src": "'self'",
        "script-src": scripts,
        "style-src": "'self'",
        "img-src": images,
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": " ".join(["'self'", *form_targets]),
    }
    for name, hosts in extra:
        directives[name] = " ".join([directives.get(name, "'self'"), *hosts])
    return "; ".join(f"{name} {value}" for name, value in directives.items())


@lru_cache(maxsize=64)
def _usual_policy(
    media_base: str,
    form_targets: tuple[str, ...],
    extra: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> str:
    """The policy without a nonce, built once per setting (and pixel combination)."""
    return _policy(media_base, form_targets, None, extra)


def _media_origin(base: str) -> list[str]:
    """The scheme and host of MEDIA_BASE_URL when photos are served from elsewhere."""
    parts = urlsplit(base)
    if parts.scheme in ("http", "https") and parts.netloc:
        return [f"{parts.scheme}://{parts.netloc}"]
    return []


def add_security_headers(response: Response) -> Response:
    """after_request: add what the view did not set itself. Not to a 304: the browser
    applies those of the response it stored (see storefront.caching)."""
    if response.status_code == 304:
        return response
    headers = response.headers
    present = {name.lower() for name, _value in headers}  # one pass, not one per header
    nonce = g.get("csp_nonce")
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", content_security_policy(nonce))
    for name, value in STATIC_HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    hsts = current_app.config.get("STRICT_TRANSPORT_SECURITY")
    if hsts and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", hsts)
    if nonce:
        headers["Cache-Control"] = "private, no-store"
    return response
