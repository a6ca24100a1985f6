"""A favicon: /favicon.ico answers with one (it was a 404 in every log), and pages link one."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shop.extensions import db
from tests import factories


def test_favicon_ico_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO"
    assert "Set-Cookie" not in response.headers  # a public file, like every static one
    assert "max-age" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/dashboard", "/no-such-page"])
def test_pages_link_the_app_icon(app, client, sign_in_as, path):
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user)
        db.session.commit()
        user_id = user.id
    if path == "/dashboard":
        sign_in_as(client, user_id)
    html = client.get(path).text
    assert '<link rel="icon" href="/static/favicon.' in html
    icon = html.split('<link rel="icon" href="', 1)[1].split('"', 1)[0]
    assert client.get(icon).status_code == 200


def test_a_shop_page_keeps_its_own_icon(app, client):
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="sol")
        db.session.commit()
    html = client.get("/s/sol").text
    assert html.count('rel="icon"') == 1  # the shop's (its logo, or none), not the app's
