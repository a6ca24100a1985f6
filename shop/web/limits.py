"""What one visitor or merchant may ask of us: request sizes and rates.

Bodies: photo forms may carry ten phone photos (MAX_CONTENT_LENGTH), a checkout a
full cart (64 KB); every other request gets MAX_FORM_LENGTH. The limit is set before
anything reads the body, so an oversized post is refused with 413 before the CSRF
check or a view parses it. JSON nested too deep to parse (64 KB of "[" raises
RecursionError, not the ValueError views expect) is refused with 400 at that point.

Rates (Flask-Limiter, through its public API only): sign-in attempts per address,
checkouts per address and shop, analytics events per hashed address, photo uploads per
merchant, and a generous ceiling on all dashboard posts per merchant (and on operators'
posts, counted apart). The counts live in Redis when RATELIMIT_STORAGE_URI (or
REDIS_URL) names it, so every app server shares them, and in memory otherwise; if Redis
stops answering, counting goes on in memory rather than failing requests. Behind a
proxy, addresses are the visitors' only with TRUST_PROXY_HEADERS.

Every limit is defined here, once, and put where its views are declared: the
decorators `sign_in`, `checkout` and `photo_uploads` on those views, and
`posts_ceiling` on the dashboard's and the operators' blueprints. The limits are read
from the config on every request (operators and tests can change them), and
RATELIMIT_ENABLED turns them off; unset, it means on, except in TESTING apps, where
a suite that checks out a hundred times from one address would test the limiter
instead of the checkout (tests/security turns it on where it is the subject).
Flask-Limiter keeps a few settings from the first app it serves (key prefix,
strategy, headers): they are fixed in DEFAULTS rather than varied per app.

Reads are not limited (but sign-in's). Flask-Limiter's check looks for the limits that
match each request: 39 µs of CPU, a fifth of Flask's own time for a page view, to
find none. Its request filter, `no_limit_applies`, says first that none applies, and
the search never starts: the check then costs 19 µs (its bookkeeping). Skipping the
check outright took a private method of the extension; Flask-Limiter 4 offers no
public way to, and 19 µs is under 2% of a rendered shop page.

Checkouts and code guesses, when the counts live in memory (no Redis: the embedded
default), are counted in this worker's LocalLimits instead of Flask-Limiter's memory
storage (`counted_here`). Both count per worker, so the limit is the same; but the
memory storage starts a timer thread on every hit (a thread start per order under
load) and its thread scans every key it holds, a key per shopper's address, every
10 ms: at a few hundred orders a second that cost more than the order's own rules.
With Redis the counts stay shared by every app server, through Flask-Limiter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache, wraps

from flask import Blueprint, Flask, current_app, jsonify, make_response, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many
from werkzeug.exceptions import RequestEntityTooLarge

from shop.extensions import limiter
from shop.web.errors import render_error
from shop.web.local_limits import LocalLimits

SIGN_IN = ("auth.login", "auth.callback")
CHECKOUT = "storefront.checkout"
DISCOUNT_PREVIEW = "storefront.discount_preview"
CHECKOUT_MAX_BYTES = 64 * 1024  # a full cart (100 lines) with the longest notes is ~15 KB
BEACON = "storefront.beacon"
BEACON_MAX_BYTES = 2 * 1024  # an analytics event is ~150 bytes
LOCAL = "vitrina.local_limits"  # the app's LocalLimits in this worker, by setting
# The forms that take photos (an item's, and the logo at set-up and in settings).
UPLOADS = frozenset(
    {
        "dashboard.new_item",
        "dashboard.edit_item",
        "dashboard.upload_photos",
        "dashboard.items_from_photos",
        "dashboard.setup",
        "dashboard.settings",
        "dashboard.import_upload",
    }
)

# Reads that are counted all the same: sign-in's, the cart's list of times (each one
# reads the shop's bookings), and Caddy's question (site/tls.py).
LIMITED_READS = (*SIGN_IN, "storefront.slot_times", "tls.ask")

DEFAULTS = {
    "MAX_FORM_LENGTH": 1024 * 1024,
    "RATELIMIT_SIGN_IN": "20/minute",
    "RATELIMIT_CHECKOUT": "10/minute;100/day",
    # The cart's discount preview: enough to fix a typo, too few to guess codes.
    "RATELIMIT_CODE_GUESSES": "10/minute;60/day",
    # The cart's list of pickup/delivery times: a few per checkout, a scraper cut short.
    "RATELIMIT_TIMES": "30/minute;600/day",
    # A shopper browsing fast sends a few events a page; a flood is cut short.
    "RATELIMIT_BEACON": "60/minute;1000/day",
    # Caddy's question before it gets a certificate for a name (on-demand TLS): one
    # key, Caddy's address; names sprayed at the TLS port cannot flood the database.
    "RATELIMIT_TLS_ASK": "600/minute",
    # Counted in photos, not posts: a ten-photo item costs ten.
    "RATELIMIT_UPLOADS": "300/hour",
    "RATELIMIT_DASHBOARD_POSTS": "120/minute;3000/day",
    # Smooth across window edges, and cheap: two counters per key.
    "RATELIMIT_STRATEGY": "sliding-window-counter",
    "RATELIMIT_KEY_PREFIX": "vitrina",
    "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on every 429
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    # A Redis that hangs must not hang requests: give up after a second, count in memory.
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    "RATELIMIT_SWALLOW_ERRORS": True,
}


@dataclass(frozen=True)
class Setting:
    """A limit read from the config at each request. Frozen, so registering it again for
    another app (the tests make hundreds) finds the same limit instead of adding one."""

    name: str

    def __call__(self) -> str:
        return current_app.config[self.name]


# Every limit below counts posts, but sign-in's, whose GETs start and finish a sign-in.
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    """The limits' settings and error pages. The pipeline (shop/pipeline.py) then
    puts the body check and Flask-Limiter's own hooks in line."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    enabled = app.config.get("RATELIMIT_ENABLED")
    app.config["RATELIMIT_ENABLED"] = (not app.testing) if enabled is None else bool(enabled)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.register_error_handler(RateLimitExceeded, too_many_requests)


@limiter.request_filter
def no_limit_applies() -> bool:
    """Flask-Limiter's request filter: True (skip every limit) for this app's reads but
    sign-in's, for an app with limits off, and for a view whose limit is counted here
    (`counted_here`). The limiter is one object shared by every app of the process (the
    tests make hundreds), so each app's switch is read here, at each request, rather
    than from whichever app set it up last."""
    if request.method in READS and request.endpoint not in LIMITED_READS:
        return True
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, LOCAL_MARK, False) and _in_memory(current_app)


def _in_memory(app: Flask) -> bool:
    """The counts live in this worker's memory anyway (no Redis given)."""
    return app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")


LOCAL_MARK = "vitrina_local_limit"


def counted_here(setting: str, key_func):
    """A view's limit (the config setting `setting`, counted per `key_func()`): through
    Flask-Limiter when its storage is shared (Redis), else in this worker's LocalLimits
    (see the module docstring), with the same rule, the same 429 and its Retry-After."""
    shared = limiter.limit(Setting(setting), key_func=key_func)

    def decorate(view):
        limited = shared(view)

        @wraps(view)
        def counted(*args, **kwargs):
            app = current_app._get_current_object()
            if not (app.config["RATELIMIT_ENABLED"] and _in_memory(app)):
                return limited(*args, **kwargs)  # Flask-Limiter's check (or none)
            wait = local_wait(app, setting, key_func())
            if wait:
                response = too_many_requests(None)
                response.headers["Retry-After"] = str(wait)
                return response
            return view(*args, **kwargs)

        setattr(counted, LOCAL_MARK, True)
        return counted

    return decorate


def local_wait(app: Flask, setting: str, key: str) -> int:
    """Count one hit of `key` against the limit `setting` in this worker's memory: 0
    when allowed, else the seconds to wait (Retry-After). One LocalLimits per setting."""
    kept = app.extensions.get(LOCAL)
    if kept is None:
        kept = app.extensions[LOCAL] = {}
    local = kept.get(setting)
    if local is None:
        local = kept.setdefault(setting, LocalLimits())
    return local.hit(_parsed(app.config[setting]), key)


def visitor_in_shop() -> str:
    """Checkouts are counted per address and shop: one busy shop does not block another."""
    slug = (request.view_args or {}).get("slug", "")
    return f"{get_remote_address()}/{slug}"


def hashed_address() -> str:
    """The analytics beacon is counted per address, by a keyed hash of it: the limiter's
    storage (Redis, shared) never holds a shopper's address."""
    return address_key(current_app, get_remote_address())


def address_key(app: Flask, address: str) -> str:
    """The beacon's name for an address in the limiter's storage: a keyed hash."""
    key = app.secret_key
    key = key.encode() if isinstance(key, str) else key
    digest = hashlib.blake2b(address.encode(), key=key[:64], digest_size=16)
    return "beacon:" + digest.hexdigest()


def beacon_wait(app: Flask, address: str) -> int:
    """The beacon's limit for its fast path, which answers before Flask (and so before
    Flask-Limiter's hooks): 0 when this event may be counted, else the seconds to wait
    (Retry-After). Same setting (RATELIMIT_BEACON) and keyed hash as the view's, but
    counted in this worker's memory (LocalLimits), even when the other limits share
    Redis: a round trip per event to a shared store costs more than the event, and
    the limit is there to cut a flood short, which it does in every worker (an address
    may send the limit to each worker it reaches; storage cannot grow either way)."""
    if not app.config["RATELIMIT_ENABLED"]:
        return 0
    return local_wait(app, "RATELIMIT_BEACON", address_key(app, address))


@lru_cache(maxsize=16)
def _parsed(setting: str):
    return tuple(parse_many(setting))


def merchant() -> str:
    """The signed-in merchant (their address before sign-in is checked)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


def photos_sent() -> int:
    """How many files this post carries (a browser sends an empty part for no file)."""
    return sum(1 for _name, upload in request.files.items(multi=True) if upload.filename)


def no_photos() -> bool:
    return photos_sent() == 0


# The limits, as decorators for the views they limit.
sign_in = limiter.limit(Setting("RATELIMIT_SIGN_IN"), key_func=get_remote_address)
checkout = counted_here("RATELIMIT_CHECKOUT", visitor_in_shop)
code_guesses = counted_here("RATELIMIT_CODE_GUESSES", visitor_in_shop)
beacon = limiter.limit(Setting("RATELIMIT_BEACON"), key_func=hashed_address)
tls_ask = limiter.limit(Setting("RATELIMIT_TLS_ASK"), key_func=get_remote_address)
slot_times = limiter.limit(Setting("RATELIMIT_TIMES"), key_func=visitor_in_shop)
# Counted in photos, across every form that takes them; the dashboard's ceiling on
# posts still applies (override_defaults=False).
photo_uploads = limiter.shared_limit(
    Setting("RATELIMIT_UPLOADS"),
    scope="uploads",
    key_func=merchant,
    methods=["POST"],
    exempt_when=no_photos,
    cost=photos_sent,
    override_defaults=False,
)


def posts_ceiling(blueprint: Blueprint) -> Blueprint:
    """Put a ceiling on every post to `blueprint`, per merchant, counted apart from other
    blueprints' (a stolen operator session should not suspend shops by the thousand)."""
    limiter.shared_limit(
        Setting("RATELIMIT_DASHBOARD_POSTS"),
        scope=f"{blueprint.name}-posts",
        key_func=merchant,
        methods=["POST"],
    )(blueprint)
    return blueprint


def check_request():
    """before_request, first of all (before CSRFProtect reads the form): the body's size
    limit, and JSON that can be parsed."""
    if request.endpoint in (CHECKOUT, DISCOUNT_PREVIEW):
        request.max_content_length = CHECKOUT_MAX_BYTES
    elif request.endpoint == BEACON:
        request.max_content_length = BEACON_MAX_BYTES
    elif request.endpoint not in UPLOADS:  # photo forms keep MAX_CONTENT_LENGTH
        request.max_content_length = current_app.config["MAX_FORM_LENGTH"]
    if request.is_json:
        try:
            request.get_json(silent=True)  # parsed once: the view gets the cached value
        except RecursionError:  # [[[[... nested past Python's limit: not ValueError
            return jsonify(error=_("We could not read that request.")), 400
    return None


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def too_large(error: RequestEntityTooLarge):
    """413: JSON for the cart script, a page for people."""
    if _wants_json():
        return jsonify(error=_("That is more than we can take at once.")), 413
    if request.endpoint in UPLOADS:
        return render_error(413)
    return render_error(
        413, detail=_("That is more than this form can take. Shorten the text and try again.")
    )


def too_many_requests(error: RateLimitExceeded):
    """429: JSON for the cart script, the friendly page for people; Retry-After says when."""
    if _wants_json():
        response = jsonify(error=_("Too many tries. Please wait a minute and try again."))
    else:
        response = make_response(render_error(429)[0])
    response.status_code = 429
    return response
