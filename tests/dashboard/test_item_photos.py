"""Item photos through the real pipeline: upload, refuse, reorder, remove."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Image, Item, ItemPhoto, Shop
from tests import factories

EN = {"Accept-Language": "en"}


def picture(color=(200, 30, 30), fmt="JPEG", size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg"):
    return (io.BytesIO(data), name)


def form(**fields) -> dict:
    values = {
        "name": "Camiseta azul",
        "description": "De algodón\norgánico",
        "price": "20.00",
        "compare_at": "",
        "code": "CAM-1",
        "category": "",
        "availability": "available",
    }
    return values | fields


def post_multipart(client, url, data):
    return client.post(url, data=data, content_type="multipart/form-data", headers=EN)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def photo_images(app, item_id) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ItemPhoto.image_id)
                .where(ItemPhoto.item_id == item_id)
                .order_by(ItemPhoto.position, ItemPhoto.id)
            )
        )


def item_with_photos(app, shop_id, how_many: int) -> int:
    """An item with `how_many` photos, images made directly (no pipeline needed)."""
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        item = factories.make_item(shop, name="Con fotos")
        for n in range(how_many):
            image = Image(shop_id=shop.id, key=f"{n:064x}", width=640, height=480, widths=[320])
            item.photos.append(ItemPhoto(image=image, position=n))
        db.session.commit()
        return item.id


def test_uploads_several_photos_with_a_new_item_first_one_is_the_cover(app, client, merchant):
    colors = [(200, 0, 0), (0, 200, 0), (0, 0, 200)]
    files = [upload(picture(c), f"{i}.jpg") for i, c in enumerate(colors)]
    files[1] = upload(picture(colors[1], "PNG"), "1.png")
    response = post_multipart(client, "/dashboard/items/new", form(photos=files))
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(Item))
        assert len(item.photos) == 3
        assert [p.position for p in item.photos] == [0, 1, 2]
        assert item.cover.id == item.photos[0].image_id
        assert all(image.shop_id == merchant[1] for image in db.session.scalars(select(Image)))
    assert any(Path(app.config["MEDIA_DIR"]).rglob("*.webp"))


def test_adds_photos_from_the_edit_page_after_the_existing_ones(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 2)
    before = photo_images(app, item_id)
    response = post_multipart(
        client, f"/dashboard/items/{item_id}/edit", form(photos=[upload(picture())])
    )
    assert response.status_code == 302
    after = photo_images(app, item_id)
    assert after[:2] == before
    assert len(after) == 3


def test_edit_page_lists_the_photos_with_reorder_buttons(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 3)
    page = client.get(f"/dashboard/items/{item_id}/edit", headers=EN).text
    assert page.count('value="cover"') == 2
    assert "Cover" in page
    assert "3 added so far" in page


def test_refuses_an_eleventh_photo_and_keeps_everything(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 10)
    images_before = count(app, Image)
    response = post_multipart(
        client,
        f"/dashboard/items/{item_id}/edit",
        form(name="Nuevo nombre", photos=[upload(picture())]),
    )
    assert response.status_code == 422
    assert "at most 10 photos" in response.text
    assert 'value="Nuevo nombre"' in response.text
    assert len(photo_images(app, item_id)) == 10
    assert count(app, Image) == images_before
    with app.app_context():
        assert db.session.get(Item, item_id).name == "Con fotos"


def test_refuses_eleven_photos_on_a_new_item_before_storing_any(app, client, merchant):
    files = [upload(picture((n * 20, 0, 0)), f"{n}.jpg") for n in range(11)]
    response = post_multipart(client, "/dashboard/items/new", form(photos=files))
    assert response.status_code == 422
    assert "at most 10 photos" in response.text
    assert count(app, Item) == 0
    assert count(app, Image) == 0
    assert not any(Path(app.config["MEDIA_DIR"]).rglob("*.webp"))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<!doctype html><script>alert(1)</script>", "evil.jpg"),
        (b"", "empty.jpg"),
        (picture()[:200], "cut.jpg"),
    ],
)
def test_a_rejected_photo_shows_why_next_to_the_field_and_saves_nothing(
    app, client, merchant, data, name
):
    typed = form(
        name="Pastel 🎂", price="12.50", code="P-9", photos=[upload(picture()), upload(data, name)]
    )
    response = post_multipart(client, "/dashboard/items/new", typed)
    assert response.status_code == 422
    html = response.text
    error_at = html.index(f"{name}: ")
    assert html.rindex('for="photos"', 0, error_at) > html.rindex('for="price"', 0, error_at)
    assert 'value="Pastel 🎂"' in html
    assert 'value="12.50"' in html
    assert 'value="P-9"' in html
    assert "De algodón\norgánico</textarea>" in html
    assert count(app, Item) == 0
    assert count(app, Image) == 0


def test_a_rejected_photo_on_the_edit_page_changes_nothing(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 1)
    response = post_multipart(
        client,
        f"/dashboard/items/{item_id}/edit",
        form(name="Otro", photos=[upload(b"GIF89a nope", "x.gif")]),
    )
    assert response.status_code == 422
    assert "x.gif: " in response.text
    with app.app_context():
        assert db.session.get(Item, item_id).name == "Con fotos"
    assert len(photo_images(app, item_id)) == 1


def test_other_errors_keep_the_photos_held_for_the_form(app, client, merchant):
    """Issue 16: no more "choose your photos again" (tests/dashboard/test_pending_uploads.py)."""
    response = post_multipart(
        client, "/dashboard/items/new", form(price="abc", photos=[upload(picture())])
    )
    assert response.status_code == 422
    assert "choose your photos again" not in response.text
    assert response.text.count('name="uploads"') == 1


def test_make_cover_changes_the_cover_in_the_list(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 3)
    with app.app_context():
        photos = db.session.scalars(
            select(ItemPhoto).where(ItemPhoto.item_id == item_id).order_by(ItemPhoto.position)
        ).all()
        third_photo, third_key = photos[2].id, photos[2].image.key
        first_key = photos[0].image.key
    assert first_key in client.get("/dashboard/items").text
    response = client.post(
        f"/dashboard/items/{item_id}/photos/{third_photo}/move", data={"direction": "cover"}
    )
    assert response.status_code == 302
    listing = client.get("/dashboard/items").text
    assert third_key in listing
    assert first_key not in listing


def test_up_and_down_move_a_photo_one_place(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 3)
    with app.app_context():
        ids = db.session.scalars(
            select(ItemPhoto.id).where(ItemPhoto.item_id == item_id).order_by(ItemPhoto.position)
        ).all()
    before = photo_images(app, item_id)
    client.post(f"/dashboard/items/{item_id}/photos/{ids[0]}/move", data={"direction": "down"})
    assert photo_images(app, item_id) == [before[1], before[0], before[2]]
    client.post(f"/dashboard/items/{item_id}/photos/{ids[2]}/move", data={"direction": "up"})
    assert photo_images(app, item_id) == [before[1], before[2], before[0]]
    bad = client.post(f"/dashboard/items/{item_id}/photos/{ids[2]}/move", data={"direction": "x"})
    assert bad.status_code == 400


def test_removes_a_photo_and_bumps_the_catalog(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 2)
    with app.app_context():
        first = db.session.scalar(
            select(ItemPhoto.id).where(ItemPhoto.item_id == item_id).order_by(ItemPhoto.position)
        )
        version = db.session.get(Shop, merchant[1]).catalog_version
    before = photo_images(app, item_id)
    assert (
        client.post(f"/dashboard/items/{item_id}/photos/{first}/remove", data={}).status_code == 302
    )
    assert photo_images(app, item_id) == before[1:]
    with app.app_context():
        assert db.session.get(Shop, merchant[1]).catalog_version > version


def test_photo_changes_need_a_csrf_token(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 2)
    photo_id = db_first_photo(app, item_id)
    before = photo_images(app, item_id)
    url = f"/dashboard/items/{item_id}/photos/{photo_id}"
    assert client.post(f"{url}/remove", data={}, csrf=False).status_code == 400
    assert client.post(f"{url}/move", data={"direction": "down"}, csrf=False).status_code == 400
    assert photo_images(app, item_id) == before


def test_a_photo_of_another_item_is_not_found_under_this_one(app, client, merchant):
    one = item_with_photos(app, merchant[1], 1)
    with app.app_context():
        other = factories.make_item(db.session.get(Shop, merchant[1]), name="Otro").id
        db.session.commit()
    photo_id = db_first_photo(app, one)
    url = f"/dashboard/items/{other}/photos/{photo_id}/remove"
    assert client.post(url, data={}).status_code == 404
    assert len(photo_images(app, one)) == 1


def test_duplicate_shares_the_photos_images(app, client, merchant):
    item_id = item_with_photos(app, merchant[1], 2)
    images = photo_images(app, item_id)
    response = client.post(f"/dashboard/items/{item_id}/duplicate", data={})
    copy_id = int(response.headers["Location"].split("/")[-2])
    assert photo_images(app, copy_id) == images
    first_copy_photo = db_first_photo(app, copy_id)
    client.post(f"/dashboard/items/{copy_id}/photos/{first_copy_photo}/remove", data={})
    assert photo_images(app, item_id) == images  # the original keeps its photos


def db_first_photo(app, item_id) -> int:
    with app.app_context():
        return db.session.scalar(
            select(ItemPhoto.id).where(ItemPhoto.item_id == item_id).order_by(ItemPhoto.position)
        )
