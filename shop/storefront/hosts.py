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

A merchant's own domain (shop.shops.domains) goes through the same door: a Host that
is not one of the app's own names is looked up (one query on a unique index) and, when
it is a shop's live domain, its paths become the shop's as above, with ``/`` the shop
page (robots.txt and sitemap.xml the shop's own). Its links are written relative to
it, and every absolute storefront link of that shop (canonical, link cards, sitemap,
feed) names the domain. A waiting domain answers only its token
(``/.well-known/vitrina/<token>``, for the check); any other unknown Host is refused
with 421 whenever the app knows its main host (APP_URL set), even with no proxy in
front.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from contextlib import suppress
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_app_context, has_request_context, request, url_for
from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from shop.extensions import db
from shop.models import Shop, ShopDomain, ShopSlugRedirect, ShopTombstone
from shop.shops.slugs import RESERVED_SLUGS

ENVIRON_SHOP_HOST = "vitrina.shop_host"  # the slug a request's host named
ENVIRON_CUSTOM_HOST = "vitrina.custom_host"  # the shop's own domain the request came to
WELL_KNOWN = "/.well-known/vitrina/"
# Served on a custom domain too, but kept as they are (the shop's robots and sitemap
# are its own: /robots.txt becomes /s/<slug>/robots.txt like any other path).
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
        self._engine = None
        self._local = threading.local()

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST")
        slug = slug_of_host(host, self.app.config.get("SHOP_DOMAIN"))
        if slug is None and not is_own_host(host, self.app.config):
            return self.custom_host(environ, start_response, bare_host(host))
        if slug is not None:
            _to_shop(environ, slug)
        return self.wsgi_app(environ, start_response)

    def custom_host(self, environ, start_response, name: str):
        """A Host that is none of the app's names: a shop's domain, or refused."""
        try:
            found = self.lookup(name)
        except SQLAlchemyError:
            found = None
        path = environ.get("PATH_INFO") or "/"
        if found is not None and path == WELL_KNOWN + found.token:
            return _plain(start_response, "200 OK", found.token)
        if found is not None and found.live:
            environ[ENVIRON_CUSTOM_HOST] = name
            _to_shop(environ, found.slug)
            return self.wsgi_app(environ, start_response)
        if found is None and (gone := self._gone_or_none(name)) is not None:
            environ[ENVIRON_SHOP_HOST] = gone
            environ["PATH_INFO"] = f"/s/{gone}"  # its link's 410 page, whatever the path
            return self.wsgi_app(environ, start_response)
        if found is not None or strict_hosts(self.app.config):
            return _plain(start_response, "421 Misdirected Request", "Unknown host.")
        return self.wsgi_app(environ, start_response)  # development: any name is the app

    def lookup(self, name: str):
        """(slug, token, live) of the shop whose domain `name` is, or None: one query
        on a unique index, on this thread's own autocommit connection (as the fast
        path reads shops: no pool checkout, no BEGIN/ROLLBACK around it)."""
        if not name or len(name) > 253:
            return None
        return self._run(_DOMAIN_QUERY, name).first()

    def _run(self, statement, name: str):
        if self.app.testing:  # test apps, made by the hundred, keep no connection
            with self.engine.connect() as connection:
                return connection.execute(statement, {"name": name})
        connection = getattr(self._local, "connection", None)
        if connection is None or connection.invalidated or connection.closed:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._local.connection = connection
        try:
            return connection.execute(statement, {"name": name})
        except SQLAlchemyError:
            self._local.connection = None
            with suppress(SQLAlchemyError):
                connection.close()
            raise

    def _gone_or_none(self, name: str) -> str | None:
        try:
            return self.gone(name)
        except SQLAlchemyError:
            return None

    def gone(self, name: str) -> str | None:
        """The slug of the deleted shop whose live domain `name` was, while no shop
        answers at that slug (a new shop that took it never shows on the old domain)."""
        if not name or len(name) > 253:
            return None
        return self._run(_GONE_QUERY, name).scalar()

    @property
    def engine(self):
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine


_NAME = bindparam("name")
_DOMAIN_QUERY = (
    select(Shop.slug, ShopDomain.token, (Shop.custom_domain == _NAME).label("live"))
    .join(Shop, Shop.id == ShopDomain.shop_id)
    .where(ShopDomain.name == _NAME)
)
_GONE_QUERY = select(ShopTombstone.slug).where(
    ShopTombstone.domain == _NAME,
    ShopTombstone.slug.not_in(select(Shop.slug).union(select(ShopSlugRedirect.slug))),
)


def _to_shop(environ, slug: str) -> None:
    environ[ENVIRON_SHOP_HOST] = slug
    path = environ.get("PATH_INFO") or "/"
    if not path.startswith(PASS_THROUGH):
        environ["PATH_INFO"] = f"/s/{slug}" + ("" if path == "/" else path)


def _plain(start_response, status: str, text: str):
    body = (text + "\n").encode()
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def bare_host(host: str | None) -> str:
    """``tienda.example.com`` for ``Tienda.Example.com.:443``."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if host.count(":") == 1 else host.rstrip(".")


def is_own_host(host: str | None, config) -> bool:
    """The app's own names: no Host at all, an address (probes), localhost, the main
    host (APP_URL, SERVER_NAME), SHOP_DOMAIN and every name under it."""
    name = bare_host(host)
    if not name or name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        pass
    else:
        return True
    return name in own_names(config) or any(
        name.endswith("." + own) for own in own_names(config) if own == config.get("SHOP_DOMAIN")
    )


def own_names(config) -> tuple[str, ...]:
    names = []
    if config.get("SHOP_DOMAIN"):
        names.append(config["SHOP_DOMAIN"].split(":")[0])
    if config.get("APP_URL"):
        names.append((urlsplit(config["APP_URL"]).hostname or "").lower())
    if config.get("SERVER_NAME"):
        names.append(config["SERVER_NAME"].split(":")[0].lower())
    return tuple(name for name in names if name)


def strict_hosts(config) -> bool:
    """Whether the app knows its main host (APP_URL, which production with shop
    subdomains requires) and so refuses every name that is not its own."""
    return bool(config.get("APP_URL"))


def request_shop_host() -> str | None:
    """The slug this request's host named, if it came in on a shop's host."""
    return request.environ.get(ENVIRON_SHOP_HOST) if has_request_context() else None


def request_custom_host() -> str | None:
    """The shop's own domain this request came in on, if it did."""
    return request.environ.get(ENVIRON_CUSTOM_HOST) if has_request_context() else None


def live_domain(slug: str) -> str | None:
    """The live custom domain of the shop at `slug`, read once per request (the
    sitemap fills many at once with `remember_domains`)."""
    if not has_app_context():
        return None
    known = g.setdefault("vitrina_domains", {})
    if slug not in known:
        if request_shop_host() == slug and request_custom_host():
            known[slug] = request_custom_host()
        else:
            known[slug] = db.session.scalar(select(Shop.custom_domain).where(Shop.slug == slug))
    return known[slug]


def remember_domains(domains: dict[str, str | None]) -> None:
    """Slugs' live domains already read (by the sitemap's own query)."""
    if has_app_context():
        g.setdefault("vitrina_domains", {}).update(domains)


def custom_origin(slug: str, *, external: bool, scheme: str | None) -> str | None:
    """Where a storefront link of `slug` goes when the shop has its own domain: "" (a
    path on this host) on a request that came in on that domain, else, for an
    absolute link, ``https://<domain>``; None when the shop's domain does not apply."""
    if not external:
        return "" if request_custom_host() and request_shop_host() == slug else None
    domain = live_domain(slug)
    if domain is None:
        return None
    if scheme is None:
        scheme = request.scheme if request_custom_host() == domain else "https"
    return f"{scheme}://{domain}"


def shop_origin(app: Flask, slug: str, scheme: str | None = None) -> str:
    """``https://<slug>.<SHOP_DOMAIN>``, in the scheme of this request by default."""
    if scheme is None:
        scheme = request.scheme if has_request_context() else app.config["PREFERRED_URL_SCHEME"]
    return f"{scheme}://{slug}.{app.config['SHOP_DOMAIN']}"


def host_form(
    app: Flask,
    slug: str,
    path: str,
    *,
    external: bool,
    scheme: str | None,
    origin: str | None = None,
) -> str:
    """`path` (``/s/<slug>/p/7?x#y``, as url_for built it) in the shop's host form:
    ``/p/7?x#y`` on that shop's own host, else ``https://<slug>.<domain>/p/7?x#y``
    (or on `origin`, the shop's own domain, see custom_origin)."""
    script_root = request.script_root if has_request_context() else ""
    prefix = f"{script_root}/s/{slug}"
    rest = path[len(prefix) :] if path.startswith(prefix) else path
    if not rest.startswith("/"):
        rest = "/" + rest
    if origin is not None:
        return origin + rest
    if not external and request_shop_host() == slug:
        return rest
    return shop_origin(app, slug, scheme) + rest


def is_shop_link(endpoint: str, slug: object) -> bool:
    """A storefront URL of a slug that can be a host."""
    return bool(
        endpoint.startswith("storefront.")
        and isinstance(slug, str)
        and _LABEL.fullmatch(slug)
        and slug not in NOT_SHOP_HOSTS
    )


def links_to_shop_host(app: Flask, endpoint: str, slug: object) -> bool:
    """Whether url_for writes this link in a shop's host form (a storefront URL of a
    slug that can be a host, with SHOP_DOMAIN set)."""
    return bool(app.config.get("SHOP_DOMAIN") and is_shop_link(endpoint, slug))


def main_host_url(endpoint: str, **values) -> str:
    """An absolute link to a main-host page (the dashboard), even from a request that
    came in on a shop's host, which would answer it with a 404: built on APP_URL when
    set, else (development) on SHOP_DOMAIN's own name; elsewhere as url_for does."""
    if request_shop_host() is None:
        return url_for(endpoint, _external=True, **values)
    config = current_app.config
    origin = config.get("APP_URL") or f"{request.scheme}://{config['SHOP_DOMAIN']}"
    return origin + url_for(endpoint, **values)
