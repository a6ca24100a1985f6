"""Issue 16, quick add: a product needs only a name and a price (a photo if wanted);
the rest folds under "More", and a new category is typed right in the product form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Category, Item
from tests.dashboard.test_items import make_category, make_shop, only_item, use_shop

EN = {"Accept-Language": "en"}


def categories(app, shop_id) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Category.name).where(Category.shop_id == shop_id).order_by(Category.position)
            )
        )


def test_a_name_and_a_price_are_enough(app, client, merchant):
    response = client.post(
        "/dashboard/items/new", data={"name": "Taza", "price": "12,50"}, headers=EN
    )
    assert response.status_code == 302
    item = only_item(app, merchant[1])
    assert (item.name, item.price_minor, item.availability.value) == ("Taza", 1250, "available")
    assert (item.description, item.code, item.category_id, item.stock) == ("", "", None, None)


def test_the_rest_folds_under_more_which_opens_when_a_folded_field_is_wrong(client, merchant):
    page = client.get("/dashboard/items/new", headers=EN).text
    more = re.search(r'<details class="more"( open)?>(.*?)</details>', page, re.S)
    assert more is not None
    assert more.group(1) is None  # closed
    for name in ("description", "compare_at", "code", "stock", "availability", "is_service"):
        assert f'name="{name}"' in more.group(2), name
    for name in ("name", "price", "category", "photos"):
        assert f'name="{name}"' not in more.group(2), name
    refused = client.post(
        "/dashboard/items/new", data={"name": "Taza", "price": "5", "stock": "x"}, headers=EN
    ).text
    assert '<details class="more" open>' in refused
    refused = client.post("/dashboard/items/new", data={"name": "", "price": "5"}, headers=EN).text
    assert '<details class="more">' in refused


def test_a_new_category_is_made_with_the_product(app, client, merchant):
    make_category(app, merchant[1], "Tazas")
    response = client.post(
        "/dashboard/items/new",
        data={"name": "Jarrón", "price": "30", "category": "new", "new_category": " Jarrones 🏺 "},
        headers=EN,
    )
    assert response.status_code == 302
    assert categories(app, merchant[1]) == ["Tazas", "Jarrones 🏺"]
    item = only_item(app, merchant[1])
    with app.app_context():
        assert db.session.get(Category, item.category_id).name == "Jarrones 🏺"
    assert f"category={item.category_id}" in response.headers["Location"]


def test_without_a_script_a_typed_name_with_no_category_chosen_makes_one(app, client, merchant):
    client.post(
        "/dashboard/items/new",
        data={"name": "Plato", "price": "9", "category": "", "new_category": "Platos"},
        headers=EN,
    )
    assert categories(app, merchant[1]) == ["Platos"]


def test_a_chosen_category_wins_over_a_leftover_name(app, client, merchant):
    tazas = make_category(app, merchant[1], "Tazas")
    client.post(
        "/dashboard/items/new",
        data={"name": "Taza", "price": "9", "category": str(tazas), "new_category": "Otra"},
        headers=EN,
    )
    assert categories(app, merchant[1]) == ["Tazas"]
    assert only_item(app, merchant[1]).category_id == tazas


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a name for the new category."),
        ("   ", "Enter a name for the new category."),
        ("tazas", "You already have a category called tazas."),
        ("x" * 81, "at most"),
    ],
)
def test_a_bad_new_category_saves_neither(app, client, merchant, typed, message):
    make_category(app, merchant[1], "Tazas")
    response = client.post(
        "/dashboard/items/new",
        data={"name": "Jarrón", "price": "30", "category": "new", "new_category": typed},
        headers=EN,
    )
    assert response.status_code == 422
    assert message in response.text
    assert 'value="Jarrón"' in response.text
    assert categories(app, merchant[1]) == ["Tazas"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0


def test_a_refused_product_does_not_leave_its_new_category_behind(app, client, merchant):
    response = client.post(
        "/dashboard/items/new",
        data={"name": "Jarrón", "price": "30", "compare_at": "10", "category": "new"}
        | {"new_category": "Jarrones"},
        headers=EN,
    )
    assert response.status_code == 422
    assert categories(app, merchant[1]) == []
    assert 'value="Jarrones"' in response.text


def test_the_same_name_in_another_shop_is_fine(app, client, merchant):
    other = make_shop(app, merchant[0], slug="otra-tienda")
    make_category(app, other, "Tazas")
    client.post(
        "/dashboard/items/new",
        data={"name": "Taza", "price": "9", "category": "new", "new_category": "Tazas"},
        headers=EN,
    )
    assert categories(app, merchant[1]) == ["Tazas"]
    use_shop(client, other)
    assert categories(app, other) == ["Tazas"]


def test_editing_moves_a_product_into_a_new_category(app, client, merchant):
    client.post("/dashboard/items/new", data={"name": "Taza", "price": "9"}, headers=EN)
    item_id = only_item(app, merchant[1]).id
    response = client.post(
        f"/dashboard/items/{item_id}/edit",
        data={"name": "Taza", "price": "9", "category": "new", "new_category": "Tazas"},
        headers=EN,
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Item, item_id).category.name == "Tazas"
