"""Every way a sign-in can fail ends on a friendly page, signed out, with no user created."""

from __future__ import annotations

import socket
import uuid
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import func, select

from shop.dev.server import provider_package
from shop.extensions import db
from shop.models import AuthSession, User
from tests.auth.conftest import Provider, discovery_url, query, start_login


def _with_query(url: str, **params) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**query(url), **params})))


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def assert_friendly_refusal(response, status: int, phrase: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert phrase in page
    assert "Traceback" not in page
    assert "Try signing in again" in page


def assert_signed_out(app, client) -> None:
    assert client.get("/dashboard").location.startswith("/login")
    assert _count(app, AuthSession) == 0


def test_refuses_a_forged_state(app, client, provider):
    subject = provider.add_person()
    callback = provider.authorize(start_login(client), subject)

    response = client.get(_with_query(callback, state="forged-state-value"))

    assert_friendly_refusal(response, 400, "This sign-in link has expired")
    assert_signed_out(app, client)
    assert _count(app, User) == 0


def test_refuses_a_callback_without_state(app, client, provider):
    subject = provider.add_person()
    callback = provider.authorize(start_login(client), subject)
    params = query(callback)
    del params["state"]

    response = client.get("/login/callback?" + urlencode(params))

    assert_friendly_refusal(response, 400, "This sign-in link has expired")
    assert_signed_out(app, client)


def test_refuses_a_callback_from_a_flow_started_in_another_browser(app, client, provider):
    subject = provider.add_person()
    callback = provider.authorize(start_login(client), subject)

    stranger = app.test_client()
    response = stranger.get(callback)

    assert_friendly_refusal(response, 400, "This sign-in link has expired")
    assert_signed_out(app, stranger)


def test_a_callback_url_works_only_once(app, client, provider):
    subject = provider.add_person()
    callback = provider.authorize(start_login(client), subject)
    # Someone keeps a copy of the browser's cookie from before the callback...
    stolen_cookie = client.get_cookie("session").value
    assert client.get(callback).location == "/dashboard"
    client.post("/logout", data={})

    # ...and replays the callback, first in the same browser, then with the copied cookie.
    again = client.get(callback)
    replayer = app.test_client()
    replayer.set_cookie("session", stolen_cookie)
    replayed = replayer.get(callback)

    assert_friendly_refusal(again, 400, "This sign-in link has expired")
    # The cookie still holds the state, but the provider refuses its code a second time.
    assert_friendly_refusal(replayed, 400, "We could not confirm who you are")
    assert_signed_out(app, client)
    assert replayer.get("/dashboard").location.startswith("/login")


def test_refuses_a_wrong_authorization_code(app, client, provider):
    subject = provider.add_person()
    callback = provider.authorize(start_login(client), subject)

    response = client.get(_with_query(callback, code="made-up-code"))

    assert_friendly_refusal(response, 400, "We could not confirm who you are")
    assert_signed_out(app, client)


def test_denied_consent_says_sign_in_was_cancelled(app, client, provider):
    callback = provider.deny(start_login(client))
    assert query(callback)["error"] == "access_denied"

    response = client.get(callback)

    assert_friendly_refusal(response, 403, "Sign-in was cancelled")
    assert_signed_out(app, client)


def test_other_provider_errors_get_a_friendly_page(client):
    start_login(client)

    response = client.get("/login/callback?error=server_error&state=whatever")

    assert_friendly_refusal(response, 400, "refused the request")


@pytest.mark.parametrize("verified", [False, None, "false", 0])
def test_refuses_an_unverified_email(app, client, provider, sign_in_via_provider, verified):
    subject = provider.add_person(verified=verified)

    response = sign_in_via_provider(client, subject)

    assert_friendly_refusal(response, 403, "Your e-mail address is not verified")
    assert_signed_out(app, client)
    assert _count(app, User) == 0


def test_refuses_a_person_without_an_email(app, client, provider):
    subject = f"no-email-{uuid.uuid4().hex[:8]}"
    claims = {"email_verified": True, "name": "Nobody"}
    assert requests.put(f"{provider.issuer}/users/{subject}", json=claims).status_code == 204

    response = client.get(provider.authorize(start_login(client), subject))

    assert_friendly_refusal(response, 403, "Your e-mail address is not verified")
    assert _count(app, User) == 0


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_provider_down_at_login_gets_a_friendly_page(make_app):
    app = make_app(OIDC_DISCOVERY_URL=discovery_url(f"http://127.0.0.1:{_closed_port()}"))

    response = app.test_client().get("/login")

    assert_friendly_refusal(response, 503, "The sign-in provider is not answering")


def test_provider_down_at_callback_gets_a_friendly_page(make_app):
    with provider_package().run_server_in_thread() as server:
        provider = Provider(issuer=f"http://localhost:{server.server_port}")
        app = make_app(OIDC_DISCOVERY_URL=discovery_url(provider.issuer))
        client = app.test_client()
        callback = provider.authorize(start_login(client), provider.add_person())
    # The provider has stopped between its form and our callback.

    response = client.get(callback)

    assert_friendly_refusal(response, 503, "The sign-in provider is not answering")
    assert_signed_out(app, client)


def test_a_discovery_document_that_is_not_json_gets_a_friendly_page(make_app, oidc_server):
    app = make_app(OIDC_DISCOVERY_URL=f"{oidc_server}/")  # the provider's HTML home page

    response = app.test_client().get("/login")

    assert_friendly_refusal(response, 503, "The sign-in provider is not answering")


def test_without_sign_in_settings_login_explains_what_to_do(make_app):
    app = make_app(GOOGLE_CLIENT_ID=None, GOOGLE_CLIENT_SECRET=None, LOCAL_SIGNIN=False)
    client = app.test_client()

    for response in (client.get("/login"), client.get("/login/callback?code=x&state=y")):
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "make run" in page
        assert "GOOGLE_CLIENT_ID" in page


def test_refuses_a_plain_http_provider_that_is_not_on_this_machine(make_app):
    app = make_app(OIDC_DISCOVERY_URL="http://accounts.example/.well-known/openid-configuration")

    response = app.test_client().get("/login")

    assert response.status_code == 503
    assert "OIDC_DISCOVERY_URL" in response.get_data(as_text=True)
