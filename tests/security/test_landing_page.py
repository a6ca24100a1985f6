"""The landing page sets no cookie, and its language switch is still safe from other sites
(ASVS V3.5 browser origin separation, V50 / V3.3 cookies)."""

from __future__ import annotations

import pytest

SAME_SITE = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


@pytest.mark.parametrize("language", ["en", "es", "de", ""])
def test_a_plain_visit_to_the_landing_page_sets_no_cookie(app, language):
    response = app.test_client().get("/", headers={"Accept-Language": language})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert 'name="csrf_token"' not in response.get_data(as_text=True)


def test_a_visitor_picks_a_language_from_the_landing_page(app):
    visitor = app.test_client()
    response = visitor.post(
        "/language", data={"lang": "es", "next": "/"}, headers=SAME_SITE, csrf=False
    )
    assert response.status_code == 302
    assert "Set-Cookie" in response.headers
    page = visitor.get("/", headers={"Accept-Language": "en"})
    assert 'lang="es"' in page.get_data(as_text=True)
    # With a session, the form carries the usual token, and a post without it is refused.
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    refused = visitor.post("/language", data={"lang": "en"}, headers=SAME_SITE, csrf=False)
    assert refused.status_code == 400
    assert visitor.post("/language", data={"lang": "en"}, headers=SAME_SITE).status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a browser always says where a POST comes from
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ],
)
def test_a_cookieless_switch_from_elsewhere_is_refused(app, headers):
    response = app.test_client().post("/language", data={"lang": "es"}, headers=headers, csrf=False)
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers


def test_a_merchants_switch_needs_the_token_even_from_this_site(app, client, world):
    response = client.post("/language", data={"lang": "es"}, headers=SAME_SITE, csrf=False)
    assert response.status_code == 400
    assert client.post("/language", data={"lang": "es"}).status_code == 302


def test_the_language_switch_is_post_only(app):
    assert app.test_client().get("/language?lang=es").status_code == 405
