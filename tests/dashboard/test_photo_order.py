"""Issue 16: photos are put in order by dragging on the product form; the order the drag
left is posted and saved, refused whole when the page was stale."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import ItemPhoto
from tests import factories
from tests.dashboard.test_item_photos import EN, item_with_photos, photo_images


def photo_ids(app, item_id) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ItemPhoto.id)
                .where(ItemPhoto.item_id == item_id)
                .order_by(ItemPhoto.position, ItemPhoto.id)
            )
        )


def post_order(client, item_id, ids, **kwargs):
    return client.post(
        f"/dashboard/items/{item_id}/photos/order",
        data={"photo_ids": [str(i) for i in ids]},
        headers=EN,
        **kwargs,
    )


def test_the_edit_page_offers_the_drag(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 2)
    page = client.get(f"/dashboard/items/{item_id}/edit", headers=EN).text
    assert f'data-order-url="/dashboard/items/{item_id}/photos/order"' in page
    assert page.count('class="drag-handle"') == 2
    assert "Move photo 2 up" in page  # the keyboard's way stays


def test_a_dragged_order_is_saved_and_the_list_comes_back_in_it(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 3)
    ids = photo_ids(app, item_id)
    images = photo_images(app, item_id)
    response = post_order(client, item_id, [ids[2], ids[0], ids[1]])
    assert response.status_code == 200
    assert photo_images(app, item_id) == [images[2], images[0], images[1]]
    fragment = response.text
    assert fragment.index(f'data-id="{ids[2]}"') < fragment.index(f'data-id="{ids[0]}"')
    assert fragment.index("Cover") < fragment.index(f'data-id="{ids[0]}"')
    assert fragment.count("Make cover") == 2
    assert post_order(client, item_id, [ids[2], ids[0], ids[1]]).status_code == 200  # no change


@pytest.mark.parametrize(
    "order",
    [
        lambda ids: ids[:2],  # one left out: a stale page
        lambda ids: [*ids, ids[0]],  # one twice
        lambda ids: [ids[0], ids[0], ids[1]],
        lambda ids: [],
    ],
)
def test_an_order_that_is_not_exactly_the_items_photos_changes_nothing(
    app, client, merchant, order
):
    item_id = item_with_photos(app, merchant[1], 3)
    ids = photo_ids(app, item_id)
    before = photo_images(app, item_id)
    response = post_order(client, item_id, order(ids))
    assert response.status_code == 409
    assert "Reload the page" in response.json["error"]
    assert photo_images(app, item_id) == before


def test_another_items_photo_is_refused(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 2)
    other_id = item_with_photos(app, merchant[1], 1)
    ids = photo_ids(app, item_id)
    response = post_order(client, item_id, [ids[1], photo_ids(app, other_id)[0]])
    assert response.status_code == 409
    assert photo_ids(app, item_id) == ids


def test_another_shops_item_is_404(app, client, merchant, sign_in_as):
    item_id = item_with_photos(app, merchant[1], 2)
    ids = photo_ids(app, item_id)
    with app.app_context():
        stranger = factories.make_user()
        factories.make_shop(stranger, slug="ajena")
        db.session.commit()
        stranger_id = stranger.id
    sign_in_as(client, stranger_id)
    assert post_order(client, item_id, ids[::-1]).status_code == 404
    assert photo_ids(app, item_id) == ids


@pytest.mark.parametrize("bad", ["abc", "-1", "0", "1.5", "9" * 5000, "١٢", "🍵"])
def test_malformed_ids_are_a_bad_request(app, client, merchant, bad):
    item_id = item_with_photos(app, merchant[1], 2)
    ids = photo_ids(app, item_id)
    assert post_order(client, item_id, [ids[0], bad]).status_code == 400
    assert photo_ids(app, item_id) == ids


def test_too_many_ids_are_a_bad_request(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 2)
    assert post_order(client, item_id, list(range(1, 40))).status_code == 400


def test_needs_the_csrf_token(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 2)
    ids = photo_ids(app, item_id)
    assert post_order(client, item_id, ids[::-1], csrf=False).status_code == 400
    assert photo_ids(app, item_id) == ids
