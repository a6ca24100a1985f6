"""The front page, the language switch, health probes and error pages."""

import pytest
from sqlalchemy.exc import OperationalError


def test_front_page_offers_sign_in_and_the_demo(client):
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert b'href="/login"' in page.data
    assert b'href="/s/demo"' in page.data


def test_language_switch_remembers_the_choice_over_the_browser(client):
    response = client.post("/language", data={"lang": "es", "next": "/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert session["lang"] == "es"
    page = client.get("/", headers={"Accept-Language": "en"})
    assert b'lang="es"' in page.data


def test_language_switch_ignores_unknown_languages_and_foreign_next(client):
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert "lang" not in session


def test_language_switch_needs_csrf(client):
    assert client.post("/language", data={"lang": "es"}, csrf=False).status_code == 400


def test_browser_language_picks_the_page_language(client):
    assert b'lang="es"' in client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).data
    assert b'lang="en"' in client.get("/", headers={"Accept-Language": "de,en;q=0.5"}).data


def test_health_probes(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {
        "status": "ok",
        "database": "up",
        "storage": "up",
        "worker": {"seen": False, "seconds_ago": None},
    }


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Traceback" not in response.data


def test_database_outage_is_a_friendly_503(app, client):
    @app.get("/_test/db-down")
    def db_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    response = client.get("/_test/db-down")
    assert response.status_code == 503
    assert b"right back" in response.data


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/items"])
def test_dashboard_needs_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
