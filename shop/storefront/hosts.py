"""Shop subdomains: with SHOP_DOMAIN=example.shop, a shop also answers at
``https://<slug>.example.shop/``, and its links use that form.

The design is host-based dispatch in front of Flask, not Flask's subdomain_matching.
subdomain_matching needs SERVER_NAME, which ties the whole app to one host: health
probes on ``127.0.0.1:8001`` and every test would 404, and the merchant's host
would have to be SHOP_DOMAIN itself. Instead a small WSGI middleware turns
``<slug>.example.shop/p/7`` into the path the app already serves, ``/s/<slug>/p/7``,
before anything else sees it (after ProxyFix, before the storefront's fast path).
The views, the fast path and the page cache stay as they are: their keys already
hold the host (caching.page_key), so a page rendered for one host is never
served for another. Links go the other way in `Vitrina.url_for` (shop/app.py): a storefront URL
with a slug is written in the shop's host form (a relative path on that host).

Only the storefront lives on shop hosts: static files, media, order pages and the
health probes answer there unchanged; every other path (``/dashboard``,
``/login``) becomes ``/s/<slug>/...`` and so a 404, since the session cookie
belongs to the main host. Reserved words (www, api, ...) are never shop hosts.
Without SHOP_DOMAIN nothing here changes anything.
"""

from __future__ import annotations

import re

from flask import Flask, current_app, has_request_context, request, url_for

from shop.shops.slugs import RESERVED_SLUGS

ENVIRON_SHOP_HOST = "vitrina.shop_host"  # the slug a request's host named
# Served as they are on a shop's host (same files, same views as on the main host).
PASS_THROUGH = ("/static/", "/media/", "/o/", "/healthz", "/readyz")
# A DNS label that can be a slug: slugs are [a-z0-9] words joined by single hyphens.
_LABEL = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# `demo` is reserved so that no merchant takes it, but the demo shop has it.
NOT_SHOP_HOSTS = RESERVED_SLUGS - {"demo"}


def slug_of_host(host: str | None, domain: str | None) -> str | None:
    """``cafe-nino`` for ``Cafe-Nino.example.shop`` under ``example.shop``; None for the
    main host, a reserved word (``www``), a deeper name or anything not a slug."""
    if not host or not domain:
        return None
    host = host.lower().rstrip(".")
    if ":" not in domain:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    suffix = "." + domain
    if not host.endswith(suffix):
        return None
    label = host[: -len(suffix)]
    if len(label) > 63 or not _LABEL.fullmatch(label) or label in NOT_SHOP_HOSTS:
        return None
    return label


class ShopHosts:
    """WSGI middleware: a shop host's paths become the path form the app routes. It goes
    behind ProxyFix (so the host is the visitor's) and in front of the fast path
    (shop/pipeline.py puts it there)."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        slug = slug_of_host(environ.get("HTTP_HOST"), self.app.config.get("SHOP_DOMAIN"))
        if slug is not None:
            environ[ENVIRON_SHOP_HOST] = slug
            path = environ.get("PATH_INFO") or "/"
            if not path.startswith(PASS_THROUGH):
                environ["PATH_INFO"] = f"/s/{slug}" + ("" if path == "/" else path)
        return self.wsgi_app(environ, start_response)


def request_shop_host() -> str | None:
    """The slug this request's host named, if it came in on a shop's host."""
    return request.environ.get(ENVIRON_SHOP_HOST) if has_request_context() else None


def shop_origin(app: Flask, slug: str, scheme: str | None = None) -> str:
    """``https://<slug>.<SHOP_DOMAIN>``, in the scheme of this request by default."""
    if scheme is None:
        scheme = request.scheme if has_request_context() else app.config["PREFERRED_URL_SCHEME"]
    return f"{scheme}://{slug}.{app.config['SHOP_DOMAIN']}"


def host_form(app: Flask, slug: str, path: str, *, external: bool, scheme: str | None) -> str:
    """`path` (``/s/<slug>/p/7?x#y``, as url_for built it) in the shop's host form:
    ``/p/7?x#y`` on that shop's own host, else ``https://<slug>.<domain>/p/7?x#y``."""
    script_root = request.script_root if has_request_context() else ""
    prefix = f"{script_root}/s/{slug}"
    rest = path[len(prefix) :] if path.startswith(prefix) else path
    if not rest.startswith("/"):
        rest = "/" + rest
    if not external and request_shop_host() == slug:
        return rest
    return shop_origin(app, slug, scheme) + rest


def links_to_shop_host(app: Flask, endpoint: str, slug: object) -> bool:
    """Whether url_for writes this link in a shop's host form (a storefront URL of a
    slug that can be a host, with SHOP_DOMAIN set)."""
    return bool(
        app.config.get("SHOP_DOMAIN")
        and endpoint.startswith("storefront.")
        and isinstance(slug, str)
        and _LABEL.fullmatch(slug)
        and slug not in NOT_SHOP_HOSTS
    )


def main_host_url(endpoint: str, **values) -> str:
    """An absolute link to a main-host page (the dashboard), even from a request that
    came in on a shop's host, which would answer it with a 404: built on APP_URL when
    set, else (development) on SHOP_DOMAIN's own name; elsewhere as url_for does."""
    if request_shop_host() is None:
        return url_for(endpoint, _external=True, **values)
    config = current_app.config
    origin = config.get("APP_URL") or f"{request.scheme}://{config['SHOP_DOMAIN']}"
    return origin + url_for(endpoint, **values)
