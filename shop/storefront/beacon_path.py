"""The analytics beacon's fast path: a view, add or checkout event answered before
Flask, with the checks of the beacon view (storefront/beacon.py) and none of Flask's
request machinery (routing, session, hooks), which cost several times the counting.

What it answers: ``POST /s/<slug>/e`` with a small body (Content-Length up to the
beacon's 2 KB) holding a well-formed event of a kind it counts without a lookup of
its own (shop and product views, adds, checkouts). Everything else (an order's or
an order page's event, which read the orders; a malformed or oversized body; the
path form under SHOP_DOMAIN) goes on to Flask and the view, which answers it as
before. The checks, in the view's order: the rate limit per keyed hash of the
address (limits.beacon_wait, same setting), then another site's page, Do-Not-Track
or Global Privacy Control, a bot, an unknown or suspended shop, a product the shop
does not show (a set of ids kept per catalog version): an empty 204 either way.

A counted event goes to the worker's buffer (analytics.buffer), written in bulk
within a second: to Redis when the app counts there, else to the database. No
address, user agent or cookie is kept or logged here.
"""

from __future__ import annotations

import io
import re
from datetime import UTC
from functools import lru_cache
from types import SimpleNamespace

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wsgi import get_host

from shop import analytics
from shop.analytics.buffer import event_buffer
from shop.analytics.days import zone_of
from shop.analytics.events import ADD, CHECKOUT, PRODUCT_VIEW, SHOP_VIEW, check
from shop.analytics.visitors import has_salt, is_bot
from shop.extensions import db
from shop.lib import clock
from shop.storefront import fast
from shop.storefront.hosts import ENVIRON_SHOP_HOST
from shop.web import headers, limits
from shop.web.origins import same_site

ROUTE = re.compile(r"/s/([a-z0-9-]{1,60})/e")
FAST_KINDS = frozenset({SHOP_VIEW, PRODUCT_VIEW, ADD, CHECKOUT})


class BeaconPath:
    """WSGI middleware for the beacon (see the module docstring). It goes behind
    ProxyFix and the shop hosts, as the fast path does: shop/pipeline.py puts it."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._headers: list[tuple[str, str]] | None = None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        match = ROUTE.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or (
            ENVIRON_SHOP_HOST not in environ and self.app.config.get("SHOP_DOMAIN")
        ):
            return self.wsgi_app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if not 0 < length <= limits.BEACON_MAX_BYTES:
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        event = analytics.read_event(body.decode("utf-8", "replace"))
        if event is None or event.kind not in FAST_KINDS or len(body) != length:
            environ["wsgi.input"] = io.BytesIO(body)  # the view reads it again
            return self.wsgi_app(environ, start_response)
        wait = limits.beacon_wait(self.app, environ.get("REMOTE_ADDR") or "127.0.0.1")
        if wait:
            start_response("429 TOO MANY REQUESTS", [*self.headers(), ("Retry-After", str(wait))])
            return []
        self._count(match.group(1), event, environ)
        start_response("204 NO CONTENT", self.headers())
        return []

    def _count(self, slug: str, event: analytics.Event, environ) -> None:
        user_agent = environ.get("HTTP_USER_AGENT", "")
        if (
            not same_site(
                environ.get("HTTP_SEC_FETCH_SITE"), environ.get("HTTP_ORIGIN"), _host(environ)
            )
            or environ.get("HTTP_DNT") == "1"
            or environ.get("HTTP_SEC_GPC") == "1"
            or _is_bot(user_agent)
        ):
            return
        try:
            shop, shown = fast.shop_and_items(self.app, slug)
        except SQLAlchemyError:
            return  # the database is away: this event is not counted (the view would fail too)
        if shop is None or shop.suspended:
            return
        moment = clock.now(self.app)
        now = moment.astimezone(UTC).replace(tzinfo=None)
        day = moment.astimezone(_zone(shop.time_zone, shop.whatsapp)).date()
        address = environ.get("REMOTE_ADDR") or ""
        if has_salt(day):  # every event but a worker's first of the day: no app context
            checked = check(shop.id, event, address, user_agent, now, day, shown=shown)
        else:
            with self.app.app_context():
                checked = check(shop.id, event, address, user_agent, now, day, shown=shown)
                db.session.commit()  # the day's salt, made by the first event that needed it
        if checked is None:
            return
        event_buffer(self.app).add(checked)

    def headers(self) -> list[tuple[str, str]]:
        """The headers of the view's 204: no-store and the security headers (built once)."""
        if self._headers is None:
            with self.app.app_context():
                self._headers = self._security_headers()
        return list(self._headers)  # a copy: middleware outside (RequestIds) adds to it

    def _security_headers(self) -> list[tuple[str, str]]:
        found = [("Cache-Control", "no-store")]
        found.append(("Content-Security-Policy", headers.content_security_policy()))
        found += list(headers.STATIC_HEADERS.items())
        hsts = self.app.config.get("STRICT_TRANSPORT_SECURITY")
        if hsts:
            found.append(("Strict-Transport-Security", hsts))
        return found


@lru_cache(maxsize=1024)
def _known_bot(user_agent: str) -> bool:
    return is_bot(user_agent)


def _is_bot(user_agent: str) -> bool:
    """visitors.is_bot, remembered for the usual user agents (a browser's is a few
    hundred characters; the pattern search costs more than the rest of the event)."""
    return _known_bot(user_agent) if len(user_agent) <= 400 else is_bot(user_agent)


@lru_cache(maxsize=4096)
def _zone(time_zone: str, whatsapp: str):
    """The shop's zone (days.zone_of), worked out once per setting: from a WhatsApp
    number it takes a phone number parse, which costs more than the rest of the event."""
    return zone_of(SimpleNamespace(time_zone=time_zone, whatsapp=whatsapp))


def _host(environ) -> str:
    return get_host(environ) if "HTTP_ORIGIN" in environ else ""
