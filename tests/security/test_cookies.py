"""Cookies and caching (ASVS V3.3 cookie setup, V7 session management, V14 data protection).

Public pages set no cookie at all (a viral shop page is served from caches), the
merchant's session cookie is HttpOnly, SameSite=Lax, small, and in production
Secure with the __Host- prefix; dashboard pages are never stored by a cache.
"""

from __future__ import annotations

import pytest
from werkzeug.http import parse_set_header

from shop import create_app
from tests.conftest import _test_config
from tests.security.world import rules, url_for_rule

# Pages for everyone, the landing page ("/") included (see shop/site/pages.py for how its
# language switch is protected without a cookie).
PUBLIC_BLUEPRINTS = ("site", "storefront", "media", "health", "static")


def public_rules(app):
    return [rule for rule in rules(app, "GET") if rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS]


def cookie_attributes(header: str) -> tuple[str, dict[str, str]]:
    """("name", {"httponly": "", "samesite": "Lax", ...}) from one Set-Cookie header."""
    first, *rest = (part.strip() for part in header.split(";"))
    name = first.split("=", 1)[0]
    attributes = {}
    for part in rest:
        key, _, value = part.partition("=")
        attributes[key.lower()] = value
    return name, attributes


def test_public_pages_set_no_cookie_for_shoppers(app, world):
    shopper = app.test_client()
    checked = 0
    for rule in public_rules(app):
        url = url_for_rule(app, rule, world)
        response = shopper.get(url)
        # Numbered sitemaps exist past 50,000 URLs only.
        assert response.status_code < 400 or rule.endpoint == "storefront.sitemap_page", url
        assert "Set-Cookie" not in response.headers, url
        if rule.endpoint.startswith(("storefront.", "media.", "static")):
            # What caches keep for everyone must not be split per visitor either.
            assert "Cookie" not in parse_set_header(response.headers.get("Vary", "")), url
        checked += 1
    assert checked >= 10


def test_public_pages_set_no_cookie_even_for_a_signed_in_merchant(app, client, world):
    for rule in public_rules(app):
        url = url_for_rule(app, rule, world)
        assert "Set-Cookie" not in client.get(url).headers, url


def test_public_errors_and_checkout_set_no_cookie(app, world):
    shopper = app.test_client()
    for response in (
        shopper.get("/s/no-such-shop"),
        shopper.get(f"/s/{world.slug}/p/999999"),
        shopper.get("/o/" + "x" * 43),
        shopper.post(f"/s/{world.slug}/checkout", json={"lines": []}),
        shopper.post(f"/s/{world.slug}/checkout", data={"item_id": "abc"}),
    ):
        assert "Set-Cookie" not in response.headers


def test_dashboard_pages_are_never_stored_and_vary_on_the_cookie(app, client, world):
    dashboard = [rule for rule in rules(app, "GET") if rule.endpoint.startswith("dashboard.")]
    assert len(dashboard) >= 15
    for rule in dashboard:
        url = url_for_rule(app, rule, world)
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url
        assert "Cookie" in parse_set_header(response.headers["Vary"]), url


def test_session_cookie_is_httponly_lax_and_small(app, client, world):
    client.get("/dashboard")  # signed in, a shop picked: the fullest the session gets
    response = client.post("/language", data={"lang": "es", "next": "/dashboard"})
    name, attributes = cookie_attributes(response.headers["Set-Cookie"])
    assert name == app.config["SESSION_COOKIE_NAME"]
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    assert attributes["path"] == "/"
    assert "domain" not in attributes
    assert len(response.headers["Set-Cookie"]) < 400


@pytest.fixture
def production(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("VITRINA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "id")
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "secret")
    return create_app(_test_config(migrated, tmp_path / "media"))


def test_production_cookie_is_host_prefixed_and_secure(production):
    # Picking a language is what gives a visitor a cookie.
    response = production.test_client().post(
        "/language",
        data={"lang": "es"},
        base_url="https://vitrina.example",
        headers={"Origin": "https://vitrina.example", "Sec-Fetch-Site": "same-origin"},
    )
    name, attributes = cookie_attributes(response.headers["Set-Cookie"])
    assert name == "__Host-vitrina"
    # What the __Host- prefix demands, or browsers drop the cookie:
    assert "secure" in attributes
    assert attributes["path"] == "/"
    assert "domain" not in attributes
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"


def test_development_cookie_works_over_plain_http(app):
    assert app.config["SESSION_COOKIE_NAME"] == "session"
    assert app.config["SESSION_COOKIE_SECURE"] is False
