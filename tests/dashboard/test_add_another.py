"""Issue 16: a run of products is one page each ("Save and add another" keeps the
category), and the products list shows the checklist's next step, the shop link's copy
button included, so a first shop needs no trip back home."""

from __future__ import annotations

from sqlalchemy import select

from shop.extensions import db
from shop.models import Item, Shop, utcnow
from shop.ordering.shipping import create_method
from tests.dashboard.test_items import make_category, make_shop, use_shop

EN = {"Accept-Language": "en"}


def test_save_and_add_another_opens_a_new_form_in_the_same_category(app, client, merchant):
    tazas = make_category(app, merchant[1], "Tazas")
    form = client.get("/dashboard/items/new", headers=EN).text
    assert 'name="then" value="another"' in form
    response = client.post(
        "/dashboard/items/new",
        data={"name": "Taza 🍵", "price": "12", "category": str(tazas), "then": "another"},
        headers=EN,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/dashboard/items/new?category={tazas}"
    page = client.get(response.headers["Location"], headers=EN).text
    assert "Taza 🍵 saved. Add the next one." in page
    assert f'<option selected value="{tazas}">Tazas</option>' in page


def test_a_new_category_is_kept_for_the_next_one_too(app, client, merchant):
    response = client.post(
        "/dashboard/items/new",
        data={
            "name": "Plato",
            "price": "9",
            "category": "new",
            "new_category": "Platos",
            "then": "another",
        },
        headers=EN,
    )
    with app.app_context():
        item = db.session.scalar(select(Item))
        assert item.category.name == "Platos"
        assert response.headers["Location"] == f"/dashboard/items/new?category={item.category_id}"


def test_without_a_category_the_next_form_has_none(client, merchant):
    response = client.post(
        "/dashboard/items/new", data={"name": "Taza", "price": "12", "then": "another"}
    )
    assert response.headers["Location"] == "/dashboard/items/new"


def test_plain_save_still_goes_to_the_list_and_edit_has_no_add_another(app, client, merchant):
    response = client.post("/dashboard/items/new", data={"name": "Taza", "price": "12"})
    assert response.headers["Location"] == "/dashboard/items?category=none"
    with app.app_context():
        item_id = db.session.scalar(select(Item.id))
    edit = client.get(f"/dashboard/items/{item_id}/edit", headers=EN).text
    assert 'value="another"' not in edit


def test_a_double_submitted_add_another_makes_one_product(app, client, merchant):
    key = "k" * 32
    data = {"name": "Taza", "price": "12", "then": "another", "form_key": key}
    first = client.post("/dashboard/items/new", data=data)
    second = client.post("/dashboard/items/new", data=data)
    assert first.headers["Location"] == second.headers["Location"] == "/dashboard/items/new"
    with app.app_context():
        assert len(db.session.scalars(select(Item)).all()) == 1


def test_a_refused_add_another_keeps_the_choice_and_saves_nothing(app, client, merchant):
    response = client.post(
        "/dashboard/items/new", data={"name": "", "price": "12", "then": "another"}, headers=EN
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Item)) is None


def _with_delivery(app, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        create_method(shop, name="Envío", price_minor=0, needs_address=True)
        db.session.commit()


def test_the_list_shows_the_next_step_until_the_checklist_is_done(app, client, merchant):
    client.post("/dashboard/items/new", data={"name": "Taza", "price": "12"})
    page = client.get("/dashboard/items", headers=EN).text
    assert 'class="card next-step"' in page
    assert 'data-step="delivery"' in page
    assert 'href="/dashboard/shipping/new"' in page

    _with_delivery(app, merchant[1])
    page = client.get("/dashboard/items", headers=EN).text
    assert 'data-step="share"' in page
    assert 'data-copy="next-shop-link"' in page
    assert 'data-report="/dashboard/share/shared"' in page
    assert "/s/" in page

    assert client.post("/dashboard/share/shared", data={}).status_code == 204
    assert 'class="card next-step"' not in client.get("/dashboard/items", headers=EN).text


def test_an_empty_catalog_has_no_next_step_card(client, merchant):
    page = client.get("/dashboard/items", headers=EN).text
    assert 'class="card next-step"' not in page


def test_the_next_step_is_the_current_shops_own(app, client, merchant):
    client.post("/dashboard/items/new", data={"name": "Taza", "price": "12"})
    _with_delivery(app, merchant[1])
    other = make_shop(app, merchant[0], slug="otra-tienda")
    with app.app_context():
        db.session.get(Shop, other).link_shared_at = utcnow()
        db.session.commit()
    page = client.get("/dashboard/items", headers=EN).text
    assert 'data-step="share"' in page  # the first shop's link is not shared yet
    use_shop(client, other)
    assert 'class="card next-step"' not in client.get("/dashboard/items", headers=EN).text
