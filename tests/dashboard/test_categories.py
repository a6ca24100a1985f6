"""The categories page: add, rename, reorder without JavaScript, delete without losing items."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Category, Item, Shop
from tests import factories

EN = {"Accept-Language": "en"}


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def category_names(app, shop_id) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(
            select(Category)
            .where(Category.shop_id == shop_id)
            .order_by(Category.position, Category.id)
        )
        return [c.name for c in rows]


def version(app, shop_id) -> int:
    with app.app_context():
        return db.session.get(Shop, shop_id).catalog_version


def add(client, name):
    return client.post("/dashboard/categories", data={"name": name}, headers=EN)


def make_categories(app, shop_id, *names) -> list[int]:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        ids = [factories.make_category(shop, n, position=i).id for i, n in enumerate(names)]
        db.session.commit()
        return ids


def test_lists_categories_in_order_with_their_item_counts(app, client, shop_id):
    ids = make_categories(app, shop_id, "Camisetas", "Gorras")
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        for _ in range(3):
            factories.make_item(shop, db.session.get(Category, ids[1]))
        factories.make_item(shop, None)
        db.session.commit()
    page = client.get("/dashboard/categories", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("Camisetas") < html.index("Gorras")
    assert '<td data-label="Products">3</td>' in html
    assert "1 product has no category." in html


def test_adds_a_category_last_and_bumps_the_catalog(app, client, shop_id):
    make_categories(app, shop_id, "Camisetas")
    before = version(app, shop_id)
    response = add(client, "  Tazas ☕ ")
    assert response.status_code == 302
    assert category_names(app, shop_id) == ["Camisetas", "Tazas ☕"]
    assert version(app, shop_id) > before
    assert "Category Tazas ☕ added." in client.get("/dashboard/categories", headers=EN).text


def test_refuses_a_duplicate_name_with_a_message_and_keeps_the_typing(app, client, shop_id):
    make_categories(app, shop_id, "Camisetas")
    response = add(client, "CAMISETAS")
    assert response.status_code == 422
    assert "You already have a category called CAMISETAS." in response.text
    assert 'value="CAMISETAS"' in response.text
    assert category_names(app, shop_id) == ["Camisetas"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_refuses_empty_or_too_long_names(app, client, shop_id, name):
    response = add(client, name)
    assert response.status_code == 422
    assert 'class="error"' in response.text
    assert category_names(app, shop_id) == []


def test_needs_a_csrf_token(app, client, shop_id):
    response = client.post("/dashboard/categories", data={"name": "Tazas"}, csrf=False)
    assert response.status_code == 400
    assert category_names(app, shop_id) == []


def test_renames_a_category(app, client, shop_id):
    (cid,) = make_categories(app, shop_id, "Camisetas")
    page = client.get(f"/dashboard/categories/{cid}/edit", headers=EN)
    assert 'value="Camisetas"' in page.text
    response = client.post(f"/dashboard/categories/{cid}/edit", data={"name": "Poleras"})
    assert response.status_code == 302
    assert category_names(app, shop_id) == ["Poleras"]


def test_rename_refuses_another_categorys_name(app, client, shop_id):
    cid, _ = make_categories(app, shop_id, "Camisetas", "Gorras")
    response = client.post(f"/dashboard/categories/{cid}/edit", data={"name": "gorras"}, headers=EN)
    assert response.status_code == 422
    assert "already have a category" in response.text
    assert category_names(app, shop_id) == ["Camisetas", "Gorras"]


def test_up_and_down_buttons_reorder_and_keep_positions_dense(app, client, shop_id):
    a, b, c = make_categories(app, shop_id, "A", "B", "C")
    assert (
        client.post(f"/dashboard/categories/{c}/move", data={"direction": "up"}).status_code == 302
    )
    assert category_names(app, shop_id) == ["A", "C", "B"]
    client.post(f"/dashboard/categories/{a}/move", data={"direction": "down"})
    assert category_names(app, shop_id) == ["C", "A", "B"]
    client.post(f"/dashboard/categories/{c}/move", data={"direction": "up"})  # already first
    client.post(f"/dashboard/categories/{b}/move", data={"direction": "down"})  # already last
    assert category_names(app, shop_id) == ["C", "A", "B"]
    with app.app_context():
        positions = db.session.scalars(
            select(Category.position).where(Category.shop_id == shop_id).order_by(Category.position)
        ).all()
    assert positions == [0, 1, 2]


def test_a_made_up_direction_is_a_bad_request(app, client, shop_id):
    (cid,) = make_categories(app, shop_id, "A")
    assert (
        client.post(f"/dashboard/categories/{cid}/move", data={"direction": "x"}).status_code == 400
    )


def test_delete_page_asks_where_the_items_go(app, client, shop_id):
    shirts, caps = make_categories(app, shop_id, "Camisetas", "Gorras")
    with app.app_context():
        factories.make_item(db.session.get(Shop, shop_id), db.session.get(Category, shirts))
        db.session.commit()
    page = client.get(f"/dashboard/categories/{shirts}/delete", headers=EN)
    assert page.status_code == 200
    assert "It has 1 product." in page.text
    assert f'<option value="{caps}">Gorras</option>' in page.text
    assert f'<option value="{shirts}"' not in page.text


def test_deleting_moves_the_items_to_the_chosen_category(app, client, shop_id):
    shirts, caps = make_categories(app, shop_id, "Camisetas", "Gorras")
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        item_ids = [
            factories.make_item(shop, db.session.get(Category, shirts), name=f"S{n}").id
            for n in range(3)
        ]
        db.session.commit()
    response = client.post(
        f"/dashboard/categories/{shirts}/delete", data={"move_items_to": str(caps)}
    )
    assert response.status_code == 302
    assert category_names(app, shop_id) == ["Gorras"]
    with app.app_context():
        items = [db.session.get(Item, i) for i in item_ids]
        assert [item.category_id for item in items] == [caps] * 3


def test_deleting_can_leave_items_without_a_category(app, client, shop_id):
    (shirts,) = make_categories(app, shop_id, "Camisetas")
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        item_id = factories.make_item(shop, db.session.get(Category, shirts)).id
        db.session.commit()
    client.post(f"/dashboard/categories/{shirts}/delete", data={"move_items_to": ""})
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert item is not None
        assert item.category_id is None


def test_deleting_refuses_to_move_items_into_another_shops_category(app, client, shop_id):
    (shirts,) = make_categories(app, shop_id, "Camisetas")
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        item_id = factories.make_item(shop, db.session.get(Category, shirts)).id
        foreign = factories.make_category(factories.make_shop(factories.make_user()), "X").id
        db.session.commit()
    response = client.post(
        f"/dashboard/categories/{shirts}/delete", data={"move_items_to": str(foreign)}
    )
    assert response.status_code == 422
    assert category_names(app, shop_id) == ["Camisetas"]
    with app.app_context():
        assert db.session.get(Item, item_id).category_id == shirts


def test_an_empty_category_is_deleted_after_confirming(app, client, shop_id):
    (cid,) = make_categories(app, shop_id, "Vacía")
    page = client.get(f"/dashboard/categories/{cid}/delete", headers=EN)
    assert "It has no products." in page.text
    client.post(f"/dashboard/categories/{cid}/delete", data={"move_items_to": ""})
    assert category_names(app, shop_id) == []


def test_another_merchants_category_is_not_found(app, client, shop_id):
    with app.app_context():
        other = factories.make_shop(factories.make_user())
        cid = factories.make_category(other, "Ajena").id
        db.session.commit()
    assert client.get(f"/dashboard/categories/{cid}/edit").status_code == 404
    assert client.post(f"/dashboard/categories/{cid}/edit", data={"name": "Mía"}).status_code == 404
    assert client.post(f"/dashboard/categories/{cid}/delete", data={}).status_code == 404
    with app.app_context():
        assert db.session.get(Category, cid).name == "Ajena"
    assert "Ajena" not in client.get("/dashboard/categories").text
