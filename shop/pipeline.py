"""The request pipeline: everything a request goes through, set in one place, in order.

create_app calls `install` once the blueprints are registered. Nothing else puts
middleware, sessions or app-wide request hooks in a request's way, so their order is
read here rather than pieced together from init_app calls. A request meets:

1. WSGI middleware, outermost first:
   RequestIds (every response gets an id, the fast path's too; logs.py) ->
   ProxyFix (with TRUST_PROXY_HEADERS: the visitor's address, scheme and host) ->
   ShopHosts (``<slug>.SHOP_DOMAIN/p/7`` becomes ``/s/<slug>/p/7``; hosts.py) ->
   BeaconPath (the analytics beacon's views and adds, counted before Flask;
   storefront/beacon_path.py; not there with ANALYTICS_BEACON=off) ->
   FastPath (kept public pages and their 304s, answered before Flask) -> Flask.
2. The session (Flask opens it before routing): none on public paths, the signed
   cookie elsewhere (shop.web.sessions).
3. before_request hooks, in this order: the body's size limit (limits.check_request,
   before anything reads the body) -> the operators' 404 guard (before CSRF could
   answer a merchant's post with 400) -> Flask-WTF's CSRF check -> Flask-Limiter's
   rate limits. Then the blueprint's own hooks (Flask runs them after the app's):
   the storefront's redirect to shop hosts, the dashboard's sign-in check.
4. The view.
5. after_request hooks: the blueprint's own first (the storefront's default headers,
   the dashboard's, operators' and sign-in's no-store), then: gzip
   (compression.compress_response) -> security headers (headers.py) ->
   Flask-Login's remember-cookie refresh -> Flask-Limiter's X-RateLimit headers ->
   keep_page (keeps a rendered public page for the fast path, with every header the
   hooks before it gave it). Then Flask saves the session (never a public one).

Flask runs before_request hooks in the order they are registered and after_request
hooks in the reverse order; the extensions register theirs in their init_app, so
`hooks` calls those at the place their hooks belong.

Why here, at the root with app.py, and not in shop/web: the pipeline puts the
storefront's fast path and shop hosts and the operators' guard in line, and web/,
the plumbing below every audience, may import none of them.
"""

from __future__ import annotations

from functools import partial

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from shop.extensions import csrf, limiter, login_manager
from shop.operator import require_operator
from shop.storefront import fast
from shop.storefront.beacon_path import BeaconPath
from shop.storefront.hosts import ShopHosts
from shop.web import compression, headers, limits
from shop.web.logs import RequestIds
from shop.web.sessions import Sessions, public_paths

# Pages that are the same for everyone, served without a session: blueprints by name,
# and Flask's static files.
PUBLIC = ("storefront", "media", "static")


def install(app: Flask) -> None:
    """Put the middleware, the session interface and the request hooks in place.
    Call once, after the blueprints are registered (the sessions read their paths)."""
    middleware(app)
    app.session_interface = Sessions(public_paths(app, PUBLIC))
    hooks(app)


def middleware(app: Flask) -> None:
    """Wrap Flask in the WSGI middleware, listed outermost first."""
    layers = [
        partial(RequestIds, app),
        partial(ProxyFix, x_for=1, x_proto=1, x_host=1)
        if app.config["TRUST_PROXY_HEADERS"]
        else None,
        partial(ShopHosts, app),
        partial(BeaconPath, app) if app.config.get("ANALYTICS_BEACON", True) else None,
        partial(fast.FastPath, app),
    ]
    for layer in reversed([layer for layer in layers if layer is not None]):
        app.wsgi_app = layer(app.wsgi_app)


def hooks(app: Flask) -> None:
    """Register the app-wide request hooks in the order of the module's docstring."""
    # after_request hooks run from the last registered to the first: the one that must
    # see the finished response is registered before any other.
    app.after_request(fast.keep_page)
    # before_request hooks, in the order they run.
    app.before_request(limits.check_request)
    app.before_request(require_operator)
    csrf.init_app(app)  # Flask-WTF's check
    # Flask-Limiter's check (reads skip it: limits.no_limit_applies); its after_request
    # hook, the X-RateLimit headers, runs just before keep_page.
    limiter.init_app(app)
    # The other after_request hooks, from the last to run to the first.
    # Flask-Login's remember-cookie refresh. No template names `current_user` (views
    # pass what a page shows), so its context processor, which loads the signed-in
    # user for every template rendered, public pages too, is left out.
    login_manager.init_app(app, add_context_processor=False)
    app.after_request(headers.add_security_headers)
    app.after_request(compression.compress_response)
