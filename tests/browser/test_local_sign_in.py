"""The local sign-in page of `make run`: our own look, offline, on a phone, in two languages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from shop.dev import server as devserver
from tests.browser.conftest import PHONE


@pytest.fixture
def local_sign_in(app):
    provider = devserver.start_local_provider(port=0)
    devserver.use_local_provider(app, provider.issuer)
    yield provider
    provider.stop()


@pytest.mark.parametrize(
    ("locale", "label", "button", "demo"),
    [
        ("en-US", "Any name", "Sign in", "Sign in as the demo owner (demo)"),
        ("es-ES", "Un nombre cualquiera", "Entrar", "Entrar como dueña de la demo (demo)"),
    ],
)
def test_the_local_sign_in_page_is_ours_offline_and_fits_a_phone(
    app, live_server, browser, local_sign_in, locale, label, button, demo
):
    context = browser.new_context(locale=locale, **PHONE)
    context.set_default_timeout(10_000)
    outside = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost")
            else (outside.append(route.request.url), route.abort())
        ),
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.wait_for_url(f"{local_sign_in.issuer}/oauth2/authorize**")
        assert outside == [], "nothing is loaded from the internet (no CDN)"
        assert page.locator("html").get_attribute("lang") == locale[:2]
        assert page.get_by_role("button", name=demo).is_visible()
        field = page.get_by_label(label)
        assert field.is_visible()
        assert "example.com" in page.locator("#sub-hint").inner_text()  # says what to type
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        assert field.bounding_box()["height"] >= 44
        # Styled here: the sign-in button is the app's green, not the browser's grey.
        green = page.get_by_role("button", name=button, exact=True)
        assert green.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 122, 75)"

        field.fill("ana")
        green.tap()
        page.wait_for_url(f"{live_server}/dashboard/setup")
    finally:
        context.close()
