"""Only operators see /operator: everyone else gets 404, on every route and method."""

from __future__ import annotations

import pytest

from shop.extensions import db
from tests import factories

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def operator_urls(app) -> list[str]:
    """Every operator URL in the app's map, with a real-looking shop id."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("operator."):
            urls.append(rule.rule.replace("<int:shop_id>", "1"))
    return urls


def test_the_operator_blueprint_has_routes(app):
    assert len(operator_urls(app)) >= 4


@pytest.mark.parametrize("method", METHODS)
def test_a_merchant_gets_404_on_every_operator_route(app, client, merchant, method):
    _user_id, shop_id = merchant
    for url in operator_urls(app):
        url = url.replace("/1", f"/{shop_id}")
        response = client.open(url, method=method, data={"reason": "spam"})
        assert response.status_code == 404, (method, url)
        assert b"reason" not in response.data.lower()


@pytest.mark.parametrize("method", METHODS)
def test_an_anonymous_visitor_gets_404_on_every_operator_route(app, client, method):
    for url in [*operator_urls(app), "/operator", "/operator/nothing-here"]:
        response = client.open(url, method=method, csrf=False)
        assert response.status_code == 404, (method, url)


def test_a_merchant_cannot_suspend_a_shop_by_posting(app, client, merchant, sign_in_as):
    _user_id, shop_id = merchant
    response = client.post(f"/operator/shops/{shop_id}/suspend", data={"reason": "mine now"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(factories.Shop, shop_id).suspended_at is None


def test_an_operator_unmarked_loses_the_pages_at_once(app, client, operator):
    assert client.get("/operator/").status_code == 200
    with app.app_context():
        db.session.get(factories.User, operator).is_operator = False
        db.session.commit()
    assert client.get("/operator/").status_code == 404


def test_operator_pages_are_never_cached(client, operator):
    response = client.get("/operator/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
