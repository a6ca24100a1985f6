"""The set-up checklist on the dashboard home: first product, a way to deliver, the link shared."""

from __future__ import annotations

from shop.extensions import db
from shop.models import Shop
from tests import factories

EN = {"Accept-Language": "en"}


def _home(client) -> str:
    response = client.get("/dashboard", headers=EN)
    assert response.status_code == 200
    return response.text


def _next_step(html: str) -> str:
    start = html.index('<li class="todo next"')
    return html[start : html.index("</li>", start)]


def test_a_new_shop_sees_three_steps_and_the_first_one_to_take(client, merchant):
    html = _home(client)
    assert "Get your shop ready" in html
    assert "0 of 3 done" in html
    assert '<progress max="3" value="0">' in html
    step = _next_step(html)
    assert 'data-step="product"' in step
    assert 'class="button" href="/dashboard/items/new"' in step


def test_the_steps_tick_from_what_the_shop_has_then_the_list_goes(app, client, merchant):
    _user, shop_id = merchant
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        factories.make_item(shop, None)
        factories.make_shipping(shop, name="Recogida", active=False)  # hidden: not a way yet
        db.session.commit()
    html = _home(client)
    assert "1 of 3 done" in html
    assert 'data-step="delivery"' in _next_step(html)

    with app.app_context():
        factories.make_shipping(db.session.get(Shop, shop_id), name="A domicilio")
        db.session.commit()
    html = _home(client)
    assert "2 of 3 done" in html
    assert 'data-step="share"' in _next_step(html)

    share = client.get("/dashboard/share", headers=EN).text
    assert 'data-report-open="/dashboard/share/shared"' in share  # the page's script posts it
    assert "2 of 3 done" in _home(client)  # the GET itself changes nothing
    assert client.post("/dashboard/share/shared", data={}).status_code == 204
    html = _home(client)
    assert "Get your shop ready" not in html
    assert "of 3 done" not in html


def test_copying_or_opening_the_share_page_counts_as_sharing(app, client, merchant):
    _user, shop_id = merchant
    assert client.post("/dashboard/share/shared", data={}).status_code == 204
    with app.app_context():
        first = db.session.get(Shop, shop_id).link_shared_at
    assert first is not None
    assert client.post("/dashboard/share/shared", data={}).status_code == 204  # twice: kept
    with app.app_context():
        assert db.session.get(Shop, shop_id).link_shared_at == first
    html = _home(client)
    assert "1 of 3 done" in html
    assert "Share your shop link</s>" in html


def test_copied_needs_the_form_token_and_a_signed_in_merchant(app, client, merchant):
    _user, shop_id = merchant
    assert client.post("/dashboard/share/shared", data={}, csrf=False).status_code == 400
    with app.app_context():
        assert db.session.get(Shop, shop_id).link_shared_at is None
    stranger = app.test_client()
    response = stranger.post("/dashboard/share/shared", data={})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_one_shop_sharing_does_not_tick_another(app, client, merchant):
    user_id, shop_id = merchant
    with app.app_context():
        other = factories.make_shop(db.session.get(factories.User, user_id), slug="otra")
        db.session.commit()
        other_id = other.id
    client.post("/dashboard/share/shared", data={})
    with app.app_context():
        assert db.session.get(Shop, shop_id).link_shared_at is not None
        assert db.session.get(Shop, other_id).link_shared_at is None
