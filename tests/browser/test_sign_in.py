"""Signing in and out in Chromium, through a real OpenID provider's login form."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from shop.dev import server as devserver
from shop.extensions import db
from shop.models import AuthSession, User
from tests import factories

pytestmark = pytest.mark.usefixtures("provider_sign_in")


def _count_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuthSession))


def test_merchant_signs_in_through_the_provider_form_and_signs_out(
    app, live_server, page, oidc_server
):
    subject = f"ana-{uuid.uuid4().hex[:8]}"
    claims = {"email": "ana@example.com", "email_verified": True, "name": "Ana"}
    assert requests.put(f"{oidc_server}/users/{subject}", json=claims).status_code == 204
    with app.app_context():
        user = User(oidc_issuer=oidc_server, oidc_subject=subject, email="ana@example.com")
        db.session.add(user)
        factories.make_shop(user, name="Tienda Sol")
        db.session.commit()

    page.goto(f"{live_server}/dashboard")  # not signed in: on to /login, then the provider
    page.wait_for_url(f"{oidc_server}/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()

    page.wait_for_url(f"{live_server}/dashboard")
    assert "Tienda Sol" in page.content()
    assert _count_sessions(app) == 1

    page.get_by_role("button", name="Sign out").click()

    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("link", name="Sign in with Google").is_visible()
    assert _count_sessions(app) == 0
    page.goto(f"{live_server}/dashboard")  # signed out for real: back to the provider
    page.wait_for_url(f"{oidc_server}/oauth2/authorize**")


def test_cancelling_at_the_provider_shows_a_friendly_page(live_server, page, oidc_server):
    page.goto(f"{live_server}/login")
    page.wait_for_url(f"{oidc_server}/oauth2/authorize**")

    page.get_by_role("button", name="Deny").click()

    page.wait_for_url(f"{live_server}/login/callback**")
    assert page.get_by_role("heading", name="Sign-in was cancelled").is_visible()
    assert page.get_by_role("link", name="Try signing in again").is_visible()


def test_new_merchant_signs_in_with_the_local_dev_provider(app, live_server, page):
    """What `make run` offers: type any name on the local provider's page and get in."""
    provider = devserver.start_local_provider(port=0)
    try:
        devserver.use_local_provider(app, provider.issuer)
        page.goto(f"{live_server}/login")
        page.wait_for_url(f"{provider.issuer}/oauth2/authorize**")
        page.get_by_label("Any name").fill("newbie")  # the app's own page, not the mock's
        page.get_by_role("button", name="Sign in", exact=True).click()

        # No shop yet: the dashboard sends a new merchant to the set-up.
        page.wait_for_url(f"{live_server}/dashboard/setup")
        assert urlsplit(page.url).path == "/dashboard/setup"
    finally:
        provider.stop()
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.oidc_subject, user.email) == ("newbie", "newbie@example.com")
    assert _count_sessions(app) == 1
