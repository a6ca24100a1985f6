"""The fast path for kept public pages: answered before Flask's own machinery runs.

When a post goes viral, nearly every request is for a shop or product page that has
not changed since the last one. Going through Flask for it (request context, routing,
every extension's before and after hooks) costs several times what serving the kept
page does, so this WSGI middleware answers those requests itself, from the page
cache, after the one query that is never skipped: the shop's current catalog_version,
so a merchant's change shows on the very next request. Anything else (an old slug, a
search, a page not kept yet, a POST) goes on to Flask untouched, with the shop row
already read (``vitrina.shop`` in the environ) so it is not read twice.

The headers sent with a page are those Flask sent when it rendered it (security
headers included), kept with it by `keep_page`; a 304 carries those that guide caches
(caching.NOT_MODIFIED_HEADERS), as Flask's own 304 does.
"""

from __future__ import annotations

import re
import threading
from contextlib import suppress
from urllib.parse import parse_qsl

from flask import Flask, Response, g
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_etags

from shop.extensions import db
from shop.storefront.fast.caching import page_key, page_settings, shop_etag
from shop.storefront.fast.page_cache import Page, pages
from shop.storefront.fast.rows import ENVIRON_CONNECTION, ENVIRON_SHOP, read_shop
from shop.storefront.fast.shown_items import ShownItems
from shop.storefront.hosts import ENVIRON_SHOP_HOST
from shop.web.caching import NOT_MODIFIED_HEADERS, PUBLIC_CACHE
from shop.web.compression import gzip_accepted
from shop.web.locale import LANGUAGE_PARAM, page_language

# /s/<slug>, /s/<slug>/p/<item id>, /s/<slug>/cart, /s/<slug>/c/<category>[/<part>];
# anything else goes to Flask.
ROUTE = re.compile(
    r"/s/([a-z0-9-]{1,60})"
    r"(?:/p/([1-9][0-9]{0,17})|/(cart)|/c/([1-9][0-9]{0,17}|other)(?:/([2-9]|[1-9][0-9]{1,4}))?)?"
)
# Never replayed: set per response, or must not outlive the request they came with.
PER_RESPONSE = frozenset(
    {"content-length", "content-encoding", "date", "etag", "set-cookie", "retry-after"}
)
EXTENSION = "vitrina.fast_path"


class FastPath:
    """WSGI middleware: kept public pages and their 304s, in one query. It goes behind
    ProxyFix and the shop hosts (so hosts and schemes are the visitors'), and
    `keep_page` after every other after_request hook: shop/pipeline.py puts both."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._engine = None
        self._local = threading.local()
        self._shown = ShownItems()
        app.extensions[EXTENSION] = self

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        match = ROUTE.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        if ENVIRON_SHOP_HOST not in environ and self.app.config.get("SHOP_DOMAIN"):
            # The path form under SHOP_DOMAIN: Flask redirects it to the shop's host.
            return self.wsgi_app(environ, start_response)
        slug, item_id, cart, section, number = match.groups()
        if item_id:
            parts = ("product", int(item_id))
        elif cart:
            parts = ("cart",)
        elif section:
            parts = ("part", section, int(number or 1))
        elif _is_search(environ.get("QUERY_STRING")):
            return self.wsgi_app(environ, start_response)
        else:
            parts = ("shop", "")
        try:
            shop, connection = self.read_shop(slug)
        except SQLAlchemyError:
            self._drop_connection()
            return self.wsgi_app(environ, start_response)  # Flask's own error page
        environ[ENVIRON_SHOP] = (slug, shop)
        environ[ENVIRON_CONNECTION] = connection  # lent to the page's other statements
        if shop is None or shop.suspended:
            # An old link, a 404, or the unavailable page: Flask answers.
            return self.wsgi_app(environ, start_response)
        etag = shop_etag(
            shop,
            *parts,
            language=_language(environ.get("QUERY_STRING"), shop),
            settings=page_settings(self.app.config),
        )
        gzip_wanted = gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING"))
        # The compressed page's ETag is the weak form (see compression.py).
        etag_header = f'W/"{etag}"' if gzip_wanted else f'"{etag}"'
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and _matches(if_none_match, etag):
            start_response("304 NOT MODIFIED", [*NOT_MODIFIED_HEADERS, ("ETag", etag_header)])
            return []
        page = pages(self.app).get(page_key(etag, environ) + (":gz" if gzip_wanted else ":id"))
        if page is None:
            return self.wsgi_app(environ, start_response)
        start_response(
            "200 OK",
            [*page.headers, ("ETag", etag_header), ("Content-Length", str(len(page.body)))],
        )
        return [b""] if method == "HEAD" else [page.body]

    def read_shop(self, slug: str):
        """The shop row, and the connection it came on (lent to the page's other
        statements when Flask renders it). Each thread keeps its connection, in
        autocommit mode: no checkout, ping, BEGIN or ROLLBACK around the statement (a
        third of its cost on SQLite, three round trips out of four on PostgreSQL). A
        connection that fails is dropped, and the next request opens another. Test
        apps, made by the hundred, check one out of the pool each time instead."""
        if self.app.testing:
            with self.engine.connect() as connection:
                return read_shop(connection, slug), None
        connection = getattr(self._local, "connection", None)
        if connection is None or connection.invalidated or connection.closed:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._local.connection = connection
        return read_shop(connection, slug), connection

    def shop_and_items(self, slug: str):
        """The shop row and the ids of the items it shows (kept per catalog version),
        on read_shop's connection: what the analytics beacon checks an event against.
        (None, empty) for no such shop; a suspended shop's items are not read."""
        try:
            if self.app.testing:
                with self.engine.connect() as connection:
                    return self._with_items(connection, read_shop(connection, slug))
            shop, connection = self.read_shop(slug)
            return self._with_items(connection, shop)
        except SQLAlchemyError:
            self._drop_connection()
            raise

    def _with_items(self, connection, shop):
        if shop is None or shop.suspended:
            return shop, frozenset()
        return shop, self._shown.of(connection, shop.id, shop.catalog_version)

    def _drop_connection(self) -> None:
        connection, self._local.connection = getattr(self._local, "connection", None), None
        if connection is not None:
            with suppress(SQLAlchemyError):
                connection.close()

    @property
    def engine(self):
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine


def _matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match (weak comparison) names `etag`; the usual one-tag headers are
    compared as they are, anything else is parsed."""
    if if_none_match in (f'W/"{etag}"', f'"{etag}"'):
        return True
    if etag not in if_none_match and "*" not in if_none_match:
        return False
    return parse_etags(if_none_match).contains_weak(etag)


def _is_search(query_string: str | None) -> bool:
    """A search (``?q=...``) is rendered by Flask; other parameters (``fbclid``,
    ``utm_source``: every shared link collects some) do not change the page."""
    if not query_string or "q" not in query_string:
        return False
    return any(name == "q" and value.strip() for name, value in parse_qsl(query_string))


def _language(query_string: str | None, shop) -> str:
    """The language the page is asked in (``?lang=en``), as the views decide it."""
    picked = None
    if query_string and LANGUAGE_PARAM in query_string:
        picked = dict(parse_qsl(query_string)).get(LANGUAGE_PARAM)
    return page_language(picked, shop.language)


def shop_and_items(app: Flask, slug: str):
    """The app's FastPath.shop_and_items (the fast path is in every app's pipeline)."""
    return app.extensions[EXTENSION].shop_and_items(slug)


def keep_page(response: Response) -> Response:
    """The last after_request hook (shop/pipeline.py): keep the page serve_page
    rendered, with the headers every hook gave it, when it is public and the same for
    everyone."""
    pending = g.pop("keep_page", None)
    if pending is None:
        return response
    key, raw, compressed = pending
    if (
        response.status_code != 200
        or response.headers.get("Cache-Control") != PUBLIC_CACHE
        or "Set-Cookie" in response.headers
    ):
        return response
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in PER_RESPONSE and not name.lower().startswith("x-ratelimit")
    )
    entries = {key + ":id": Page(headers, raw)}
    if compressed is not None:
        entries[key + ":gz"] = Page((*headers, ("Content-Encoding", "gzip")), compressed)
    pages().put(entries)
    return response
