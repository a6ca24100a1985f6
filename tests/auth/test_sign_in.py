"""Signing in end to end: /login -> the provider's form -> /login/callback -> the dashboard."""

from __future__ import annotations

import base64
import hashlib
import time

import pytest
from sqlalchemy import func, select

from shop.auth import oidc
from shop.dev.server import provider_package
from shop.extensions import db
from shop.models import AuthSession, User
from tests import factories
from tests.auth.conftest import Provider, discovery_url, query, start_login


def _users(app) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(select(User).order_by(User.id)))


def test_creates_the_merchant_on_first_sign_in_and_opens_the_dashboard(
    app, client, provider, sign_in_via_provider
):
    subject = provider.add_person(email="ana@example.com", name="Ana García")

    response = sign_in_via_provider(client, subject)

    assert response.status_code == 302
    assert response.location == "/dashboard"
    [user] = _users(app)
    assert (user.oidc_issuer, user.oidc_subject) == (provider.issuer, subject)
    assert (user.email, user.name) == ("ana@example.com", "Ana García")
    assert user.last_sign_in_at is not None
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 302  # no shop yet: on to the set-up, not back to /login
    assert dashboard.location.endswith("/dashboard/setup")


def test_a_merchant_with_a_shop_reaches_their_dashboard(
    app, client, provider, sign_in_via_provider
):
    subject = provider.add_person()
    with app.app_context():
        user = User(oidc_issuer=provider.issuer, oidc_subject=subject, email="old@example.com")
        db.session.add(user)
        factories.make_shop(user, name="Tienda Sol")
        db.session.commit()

    sign_in_via_provider(client, subject)
    page = client.get("/dashboard")

    assert page.status_code == 200
    assert "Tienda Sol" in page.get_data(as_text=True)


def test_same_subject_with_a_changed_email_is_the_same_merchant(
    app, client, provider, sign_in_via_provider
):
    subject = provider.add_person(email="first@example.com")
    sign_in_via_provider(client, subject)
    client.post("/logout", data={})
    provider.set_claims(subject, email="renamed@example.com", name="Ana B.")

    sign_in_via_provider(client, subject)

    [user] = _users(app)
    assert (user.email, user.name) == ("renamed@example.com", "Ana B.")


def test_same_email_with_another_subject_is_another_merchant(
    app, client, provider, sign_in_via_provider
):
    first = provider.add_person(email="shared@example.com")
    second = provider.add_person(email="shared@example.com")

    sign_in_via_provider(client, first)
    client.post("/logout", data={})
    sign_in_via_provider(client, second)

    users = _users(app)
    assert [u.oidc_subject for u in users] == [first, second]
    assert {u.email for u in users} == {"shared@example.com"}


def test_signing_in_opens_a_fresh_session(app, client, provider, sign_in_via_provider):
    subject = provider.add_person()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["lang"] = "es"

    sign_in_via_provider(client, subject)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "es"  # a preference survives
        assert session.permanent
        token = session["_user_id"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 1
    # The cookie carries the server-side session token, nothing guessable like the user id.
    assert len(token) > 30


def test_signing_in_again_replaces_the_previous_session(
    app, client, provider, sign_in_via_provider
):
    subject = provider.add_person()
    sign_in_via_provider(client, subject)
    # Signed in already, the person finishes another sign-in (e.g. a second tab).
    callback = provider.authorize(start_login_ignoring_redirect(client), subject)
    client.get(callback)

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 1
    assert client.get("/dashboard").location.endswith("/dashboard/setup")


def start_login_ignoring_redirect(client) -> str:
    """Start a flow while signed in (the login view would send us to the dashboard)."""
    with client.session_transaction() as session:
        user_token = session.pop("_user_id")
    url = start_login(client)
    with client.session_transaction() as session:
        session["_user_id"] = user_token
    return url


@pytest.mark.parametrize("next_path", ["/dashboard/items", "/dashboard/items?page=2"])
def test_returns_to_a_page_of_this_site_after_sign_in(
    client, provider, sign_in_via_provider, next_path
):
    response = sign_in_via_provider(client, provider.add_person(), next_path=next_path)

    assert response.location == next_path


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_never_leaves_the_site_after_sign_in(client, provider, sign_in_via_provider, next_path):
    response = sign_in_via_provider(client, provider.add_person(), next_path=next_path)

    assert response.location == "/dashboard"


def test_login_required_page_comes_back_after_sign_in(client, provider):
    subject = provider.add_person()
    bounced = client.get("/dashboard/items")
    assert bounced.status_code == 302
    login = client.get(bounced.location)  # /login?next=/dashboard/items, as flask-login sends

    response = client.get(provider.authorize(login.location, subject))

    assert response.location == "/dashboard/items"


def test_signed_in_merchant_visiting_login_goes_to_the_dashboard(client, merchant):
    assert client.get("/login").location == "/dashboard"
    assert client.get("/login?next=/dashboard/orders").location == "/dashboard/orders"
    assert client.get("/login?next=//evil.example").location == "/dashboard"


def test_authorization_request_uses_state_nonce_and_pkce(client, provider):
    authorization_url = start_login(client)

    params = query(authorization_url)
    assert authorization_url.startswith(f"{provider.issuer}/oauth2/authorize?")
    assert params["response_type"] == "code"
    assert params["client_id"] == "vitrina-test-client"
    assert set(params["scope"].split()) == {"openid", "email", "profile"}
    assert params["redirect_uri"] == "http://localhost/login/callback"
    assert len(params["state"]) >= 20
    assert len(params["nonce"]) >= 20
    assert params["code_challenge_method"] == "S256"
    with client.session_transaction() as session:
        [saved] = [v["data"] for k, v in session.items() if k.startswith("_state_")]
    digest = hashlib.sha256(saved["code_verifier"].encode()).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert saved["nonce"] == params["nonce"]


def test_each_app_signs_in_against_its_own_provider(make_app, oidc_server):
    """Apps made in one process keep their own provider client, metadata and keys."""
    with provider_package().run_server_in_thread() as other_server:
        other = Provider(issuer=f"http://localhost:{other_server.server_port}")
        first_app = make_app(OIDC_DISCOVERY_URL=discovery_url(oidc_server))
        second_app = make_app(OIDC_DISCOVERY_URL=discovery_url(other.issuer))
        first = Provider(issuer=oidc_server)

        for app, provider in ((first_app, first), (second_app, other), (first_app, first)):
            client = app.test_client()
            subject = provider.add_person()
            client.get(provider.authorize(start_login(client), subject))
            assert client.get("/dashboard").location.endswith("/dashboard/setup")

        with first_app.app_context():
            issuers = set(db.session.scalars(select(User.oidc_issuer)))
        assert issuers == {first.issuer, other.issuer}
        assert first_app.extensions[oidc.EXTENSION] is not second_app.extensions[oidc.EXTENSION]


def test_creating_an_app_touches_no_network(make_app):
    # A provider address where nothing listens: creating the app must not notice.
    app = make_app(OIDC_DISCOVERY_URL="http://127.0.0.1:9/.well-known/openid-configuration")

    assert app.extensions[oidc.EXTENSION].create_client(oidc.CLIENT_NAME) is None


def test_rereads_the_discovery_document_after_a_day(app, client):
    start_login(client)
    with app.app_context():
        client_for_app = app.extensions[oidc.EXTENSION].create_client(oidc.CLIENT_NAME)
    stale = time.time() - oidc.METADATA_MAX_AGE - 60
    client_for_app.server_metadata["_loaded_at"] = stale
    client_for_app.server_metadata["authorization_endpoint"] = "http://127.0.0.1:9/stale"

    authorization_url = start_login(client)

    assert not authorization_url.startswith("http://127.0.0.1:9/")
    assert client_for_app.server_metadata["_loaded_at"] > stale
