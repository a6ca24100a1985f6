"""Browser tests: the real app served over HTTP in a thread, driven in Debian's Chromium.

Playwright's own browser download does not work on these machines, so the system
Chromium is launched by path with the flags that keep it off the network.
"""

from __future__ import annotations

import os
import shutil

import pytest

from shop.extensions import db
from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def phone_context(browser):
    context = browser.new_context(locale="es-ES", **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def browser_sign_in(app, live_server):
    """browser_sign_in(context, user_id): the browser carries a real server-side session."""
    from shop.auth.sessions import start_session

    def sign_in(context, user_id: int) -> None:
        with app.app_context():
            user = db.session.get(factories.User, user_id)
            token = start_session(user)
            db.session.commit()
        with app.test_request_context():
            serializer = app.session_interface.get_signing_serializer(app)
            cookie = serializer.dumps({"_user_id": token, "_fresh": True})
        context.add_cookies(
            [{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": live_server}]
        )

    return sign_in


@pytest.fixture
def provider_sign_in(app, oidc_server):
    """The app signs in against the local OpenID Connect provider, as `make run` does:
    the real Authlib code, the provider's own login form."""
    from shop.auth import oidc

    app.config["OIDC_DISCOVERY_URL"] = f"{oidc_server}/.well-known/openid-configuration"
    oidc.init_app(app)
    return oidc_server


@pytest.fixture(scope="module")
def oidc_server():
    """A real OpenID Connect provider on localhost, with its login form (oidc-provider-mock)."""
    from shop.dev import server as devserver

    with devserver.provider_package().run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"
