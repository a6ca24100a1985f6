"""Signing out ends the server-side session: the cookie, even a copy of it, stops working."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.extensions import db
from shop.models import AuthSession


def _sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuthSession))


def test_sign_out_ends_the_session_and_goes_to_the_start_page(app, client, merchant):
    assert client.get("/dashboard").status_code == 200

    response = client.post("/logout", data={})

    assert response.status_code == 302
    assert response.location == "/"
    assert _sessions(app) == 0
    assert client.get("/dashboard").location.startswith("/login")
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_copied_cookie_stops_working_after_sign_out(app, client, merchant):
    copied = client.get_cookie("session").value
    client.post("/logout", data={})

    other_browser = app.test_client()
    other_browser.set_cookie("session", copied)
    response = other_browser.get("/dashboard")

    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_signing_out_in_one_browser_leaves_the_other_signed_in(app, client, merchant, sign_in_as):
    phone = app.test_client()
    sign_in_as(phone, merchant[0])

    client.post("/logout", data={})

    assert phone.get("/dashboard").status_code == 200
    assert _sessions(app) == 1


def test_sign_out_after_a_real_sign_in(app, client, provider, sign_in_via_provider):
    sign_in_via_provider(client, provider.add_person())
    copied = client.get_cookie("session").value

    client.post("/logout", data={})

    other_browser = app.test_client()
    other_browser.set_cookie("session", copied)
    assert other_browser.get("/dashboard").location.startswith("/login")
    assert client.get("/dashboard").location.startswith("/login")


def test_sign_out_is_not_a_get(client, merchant):
    response = client.get("/logout")

    assert response.status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_sign_out_without_csrf_token_is_refused(app, client, merchant):
    response = client.post("/logout", data={}, csrf=False)

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 200
    assert _sessions(app) == 1


def test_sign_out_with_a_forged_csrf_token_is_refused(client, merchant):
    response = client.post("/logout", data={"csrf_token": "forged"})

    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_sign_out_when_already_signed_out_just_goes_home(client):
    response = client.post("/logout", data={})

    assert response.status_code == 302
    assert response.location == "/"


def test_the_dashboard_sign_out_button_posts_with_a_csrf_token(client, merchant):
    page = client.get("/dashboard").get_data(as_text=True)

    form_start = page.index('action="/logout"')
    form = page[page.rindex("<form", 0, form_start) : page.index("</form>", form_start)]
    assert 'method="post"' in form
    assert 'name="csrf_token"' in form
