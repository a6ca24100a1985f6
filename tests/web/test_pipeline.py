"""The request pipeline (shop/pipeline.py): what a request goes through, in which order.

These read the app Flask built rather than trusting the module's docstring: a hook
that moves, or an extension that starts registering one, shows up here first.
"""

from __future__ import annotations

import pytest
from flask import Blueprint
from werkzeug.middleware.proxy_fix import ProxyFix

from shop import create_app
from shop.pipeline import PUBLIC
from shop.storefront.beacon_path import BeaconPath
from shop.storefront.fast import FastPath
from shop.storefront.hosts import ShopHosts
from shop.web.logs import RequestIds
from shop.web.sessions import NoSession, Sessions, public_paths
from tests.conftest import _test_config


def _name(hook) -> str:
    """Our hooks by name, an extension's by its package (its own names are private)."""
    func = getattr(hook, "func", hook)  # Flask-Limiter registers a functools.partial
    module = func.__module__
    return func.__qualname__ if module.startswith("shop.") else module.split(".")[0]


@pytest.fixture
def limited_app(migrated, tmp_path):
    return create_app(
        _test_config(migrated, tmp_path / "media")
        | {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}
    )


def test_app_wide_before_request_hooks_run_in_the_documented_order(limited_app):
    assert [_name(hook) for hook in limited_app.before_request_funcs[None]] == [
        "check_request",  # the body's size, before anything reads it
        "require_operator",  # 404 before CSRF could answer 400
        "flask_wtf",  # the CSRF check
        "flask_limiter",  # the rate limits
    ]


def test_app_wide_after_request_hooks_run_in_the_documented_order(limited_app):
    # Flask runs them from the last registered to the first.
    assert [_name(hook) for hook in reversed(limited_app.after_request_funcs[None])] == [
        "compress_response",
        "add_security_headers",
        "flask_login",  # the remember-cookie refresh
        "flask_limiter",  # the X-RateLimit headers
        "keep_page",  # last: it keeps the page with every header the others gave it
    ]


def test_blueprints_keep_only_their_own_hooks(app):
    assert {
        name: [_name(h) for h in hooks] for name, hooks in app.before_request_funcs.items()
    } == {
        None: ["check_request", "require_operator", "flask_wtf"],
        "dashboard": ["require_sign_in"],
        "storefront": ["to_shop_host"],
    }


def _layers(app) -> list[type]:
    layers, wsgi = [], app.wsgi_app
    while not hasattr(wsgi, "__self__"):  # down to Flask's own bound wsgi_app
        layers.append(type(wsgi))
        wsgi = wsgi.app if isinstance(wsgi, ProxyFix) else wsgi.wsgi_app
    return layers


def test_middleware_outermost_first(app):
    assert _layers(app) == [RequestIds, ShopHosts, BeaconPath, FastPath]


def test_proxy_fix_goes_right_behind_the_request_ids(migrated, tmp_path):
    app = create_app(_test_config(migrated, tmp_path / "media") | {"TRUST_PROXY_HEADERS": True})
    assert _layers(app) == [RequestIds, ProxyFix, ShopHosts, BeaconPath, FastPath]


def test_public_paths_are_the_public_blueprints_prefixes(app):
    assert isinstance(app.session_interface, Sessions)
    assert app.session_interface.public_paths == (
        "/media/",
        "/o/",
        "/s/",
        "/sitemap-",
        "/sitemap.xml",
        "/static/",
    )
    for rule in app.url_map.iter_rules():
        public = rule.endpoint.split(".")[0] in PUBLIC
        assert rule.rule.startswith(app.session_interface.public_paths) == public, rule.rule


def test_a_page_under_a_public_prefix_is_refused_at_start_up(app):
    stray = Blueprint("stray", __name__)
    stray.add_url_rule("/s/<slug>/admin", "admin", lambda slug: "")
    app.register_blueprint(stray)
    with pytest.raises(RuntimeError, match=r"/s/<slug>/admin \(stray.admin\) lies under /s/"):
        public_paths(app, PUBLIC)


def test_a_public_request_gets_a_session_that_refuses_writes(app):
    with app.test_request_context("/s/tienda"):
        from flask import session

        assert isinstance(session._get_current_object(), NoSession)
        assert session.get("lang") is None
        with pytest.raises(RuntimeError, match="Public pages have no session"):
            session["lang"] = "es"


def test_other_requests_keep_the_signed_cookie_session(app):
    with app.test_request_context("/dashboard"):
        from flask import session

        session["lang"] = "es"  # an ordinary, writable session
        assert not app.session_interface.is_null_session(session._get_current_object())
