"""Security headers on every response (ASVS V3 web frontend security, V13 configuration)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import render_template_string

from shop import create_app
from shop.web.headers import content_security_policy
from tests.conftest import _test_config
from tests.security.html import executable_bits
from tests.security.world import rules, url_for_rule

ROOT = Path(__file__).resolve().parents[2]
MEDIA_POLICY = "default-src 'none'; sandbox"


def directives(policy: str) -> dict[str, str]:
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (piece.strip() for piece in policy.split(";"))
        if part
    }


def assert_protected(response, where: str) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["Referrer-Policy"] in {"strict-origin-when-cross-origin", "no-referrer"}, where
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert "Strict-Transport-Security" not in headers, where  # not in development
    policy = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy, where
    assert "unsafe-eval" not in policy, where
    if policy == MEDIA_POLICY:  # a stored photo: nothing at all may run in it
        return
    csp = directives(policy)
    assert csp["script-src"] == "'self'", where
    assert csp["style-src"] == "'self'", where
    assert csp["object-src"] == "'none'", where
    assert csp["base-uri"] == "'none'", where
    assert csp["frame-ancestors"] == "'none'", where


def get_every_page(app, client, world):
    for rule in rules(app, "GET"):
        url = url_for_rule(app, rule, world)
        yield url, client.get(url)


def test_every_page_carries_the_security_headers_signed_in(app, client, world):
    seen = 0
    for url, response in get_every_page(app, client, world):
        assert response.status_code != 500, url
        assert_protected(response, url)
        seen += 1
    assert seen >= 30


def test_every_page_carries_the_security_headers_for_shoppers(app, world):
    shopper = app.test_client()
    for url, response in get_every_page(app, shopper, world):
        assert response.status_code != 500, url
        assert_protected(response, url)


def test_no_rendered_page_has_inline_script_handlers_or_styles(app, client, world):
    shopper = app.test_client()
    for who in (client, shopper):
        for url, response in get_every_page(app, who, world):
            if response.mimetype == "text/html":
                assert executable_bits(response.text) == [], url


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html"))
)
def test_no_template_has_inline_script_handlers_or_styles(path):
    """A strict CSP would silently break these in the browser: catch them in the source."""
    text = (ROOT / path).read_text()
    assert executable_bits(text.replace("{{", "").replace("}}", "")) == []


def test_error_pages_carry_them_too(app, client, world):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    for url, method, status in [
        ("/nowhere", "GET", 404),
        ("/s/no-such-shop", "GET", 404),
        ("/dashboard/items/new", "PUT", 405),
        ("/boom", "GET", 500),
    ]:
        response = client.open(url, method=method)
        assert response.status_code == status
        assert_protected(response, url)


def test_keeps_the_stricter_headers_a_view_set(client, world):
    order_page = client.get(f"/o/{world.order_token}")
    assert order_page.headers["Referrer-Policy"] == "no-referrer"
    photo = client.get(f"/media/{world.media_name}")
    assert photo.headers["Content-Security-Policy"] == MEDIA_POLICY
    assert photo.headers.getlist("Content-Security-Policy") == [MEDIA_POLICY]


def test_lets_forms_post_to_this_site_and_to_whatsapp_only(app):
    with app.test_request_context():
        form_action = directives(content_security_policy())["form-action"].split()
    assert form_action == ["'self'", "https://wa.me", "https://api.whatsapp.com"]


def test_allows_photos_from_the_media_host_when_one_is_set(app):
    app.config["MEDIA_BASE_URL"] = "https://media.example.net/vitrina/"
    with app.test_request_context():
        images = directives(content_security_policy())["img-src"].split()
    assert images == ["'self'", "data:", "https://media.example.net"]


def test_a_page_that_asks_for_a_nonce_gets_it_in_the_policy_and_is_never_cached(app):
    @app.get("/with-nonce")
    def with_nonce():
        return render_template_string('<script nonce="{{ csp_nonce() }}">1</script>')

    client = app.test_client()
    first, second = client.get("/with-nonce"), client.get("/with-nonce")
    nonce = first.text.split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 22
    assert f"'nonce-{nonce}'" in directives(first.headers["Content-Security-Policy"])["script-src"]
    assert nonce not in second.text
    assert first.headers["Cache-Control"] == "private, no-store"


def test_pages_without_a_nonce_have_none_in_the_policy(client, world):
    response = client.get(f"/s/{world.slug}")
    assert "nonce-" not in response.headers["Content-Security-Policy"]


def test_sends_hsts_in_production_only(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("VITRINA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "id")
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "secret")
    production = create_app(_test_config(migrated, tmp_path / "media"))
    response = production.test_client().get("/healthz", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    monkeypatch.setenv("VITRINA_ENV", "development")
    development = create_app(_test_config(migrated, tmp_path / "media"))
    assert "Strict-Transport-Security" not in development.test_client().get("/healthz").headers
