"""Sign-in tests run the real flow against oidc-provider-mock, a real OpenID provider on localhost.

The `app` here is created with its OIDC_DISCOVERY_URL pointing at that provider, as an
operator would configure it. `provider` drives the provider's login form over HTTP.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
import requests

from shop import create_app
from shop.dev.server import provider_package
from shop.extensions import db
from tests.conftest import VitrinaClient, _empty_all_tables, _test_config


@pytest.fixture(scope="session")
def oidc_server():
    """A provider for the whole run; every test uses its own subjects."""
    with provider_package().run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def discovery_url(issuer: str) -> str:
    return f"{issuer}/.well-known/openid-configuration"


@pytest.fixture
def make_app(migrated, tmp_path):
    """make_app(**overrides): an app on the test database, cleaned up after the test."""
    apps = []

    def make(**overrides):
        config = _test_config(migrated, tmp_path / f"media{len(apps)}") | overrides
        app = create_app(config)
        app.test_client_class = VitrinaClient
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if apps:
        with apps[0].app_context():
            _empty_all_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app, oidc_server):
    return make_app(OIDC_DISCOVERY_URL=discovery_url(oidc_server))


@dataclass
class Provider:
    """The mock provider, seen from a test: set a person's claims, answer its login form."""

    issuer: str

    def add_person(self, email: str | None = None, verified=True, **claims) -> str:
        """A new subject with these claims (``verified=None`` leaves email_verified out)."""
        subject = f"person-{uuid.uuid4().hex[:12]}"
        email = email or f"{subject}@example.com"
        self.set_claims(subject, email=email, verified=verified, **claims)
        return subject

    def set_claims(self, subject: str, email: str, verified=True, **claims) -> None:
        body = {"email": email, "name": "Ana García", **claims}
        if verified is not None:
            body["email_verified"] = verified
        response = requests.put(f"{self.issuer}/users/{quote(subject, safe='')}", json=body)
        assert response.status_code == 204, response.text

    def authorize(self, authorization_url: str, subject: str) -> str:
        """Submit the provider's form as `subject`; returns the callback URL it redirects to."""
        response = requests.post(authorization_url, data={"sub": subject}, allow_redirects=False)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def deny(self, authorization_url: str) -> str:
        response = requests.post(authorization_url, data={"action": "deny"}, allow_redirects=False)
        assert response.status_code == 302, response.text
        return response.headers["location"]


@pytest.fixture
def provider(oidc_server) -> Provider:
    return Provider(issuer=oidc_server)


def start_login(client, next_path: str | None = None) -> str:
    """GET /login; returns the provider's authorization URL it redirects to."""
    url = "/login" + (f"?{urlencode({'next': next_path})}" if next_path is not None else "")
    response = client.get(url)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def sign_in_via_provider(provider):
    """sign_in_via_provider(client, subject, next_path=None): the whole round trip."""

    def sign_in(client, subject: str, next_path: str | None = None):
        callback = provider.authorize(start_login(client, next_path), subject)
        return client.get(callback)

    return sign_in
