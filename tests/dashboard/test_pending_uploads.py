"""Issue 16, seen item 2: photos picked for the item form survive any error.

They are checked and held as soon as they are picked (the form's script posts them to
/dashboard/uploads) or, without a script, when a refused form carried them; the form
then carries their tokens until it is saved. Held photos are never in the public media
storage, belong to one shop, count against the same limits as any upload (the rate
limit: tests/security/test_limits.py), and go after a day if no item takes them.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select, update

from shop.extensions import db
from shop.media import pending
from shop.media.pipeline import MAX_BYTES
from shop.models import Image, Item, ItemPhoto, PendingUpload, utcnow
from tests import factories

EN = {"Accept-Language": "en"}


def picture(color=(200, 30, 30), fmt="JPEG", size=(400, 300)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def form(**fields) -> dict:
    return {"name": "Taza azul", "price": "18,50", "category": "", "availability": "available"} | (
        fields
    )


def post(client, url, data, **kwargs):
    return client.post(url, data=data, content_type="multipart/form-data", headers=EN, **kwargs)


def held_tokens(page: str) -> list[str]:
    return re.findall(r'name="uploads" value="([^"]+)" checked', page)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def stored_files(app) -> list[str]:
    root = Path(app.config["MEDIA_DIR"])
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def only_item_photos(app, shop_id) -> list[tuple[int, int]]:
    with app.app_context():
        item = db.session.scalars(select(Item).where(Item.shop_id == shop_id)).one()
        return [(p.image.width, p.image.height) for p in item.photos]


def upload_now(client, *pictures: bytes, names=None) -> tuple[int, dict]:
    names = names or [f"{n}.jpg" for n in range(len(pictures))]
    files = [(io.BytesIO(data), name) for data, name in zip(pictures, names, strict=True)]
    response = post(client, "/dashboard/uploads", {"photos": files})
    return response.status_code, response.get_json()


def test_without_a_script_a_refused_form_keeps_its_photos_through_a_reload_and_the_fix(
    app, client, merchant
):
    photos = [picture((200, 0, 0), size=(400, 300)), picture((0, 0, 200), "PNG", (300, 400))]
    files = [(io.BytesIO(photos[0]), "roja.jpg"), (io.BytesIO(photos[1]), "azul.png")]
    refused = post(client, "/dashboard/items/new", form(price="abc", photos=files))
    assert refused.status_code == 422
    tokens = held_tokens(refused.text)
    assert len(tokens) == 2
    assert "roja.jpg" in refused.text
    assert "azul.png" in refused.text
    # Held, not stored: nothing is public before the item is saved.
    assert (count(app, Image), count(app, Item), count(app, PendingUpload)) == (0, 0, 2)
    assert stored_files(app) == []

    # A reload of the error page sends the same post again: the same photos, held once.
    files = [(io.BytesIO(photos[0]), "roja.jpg"), (io.BytesIO(photos[1]), "azul.png")]
    again = post(client, "/dashboard/items/new", form(price="abc", photos=files))
    assert held_tokens(again.text) == tokens
    assert count(app, PendingUpload) == 2

    # Another error, with the photos now carried as tokens: still there.
    still = post(client, "/dashboard/items/new", form(name="", uploads=tokens))
    assert still.status_code == 422
    assert held_tokens(still.text) == tokens

    saved = post(client, "/dashboard/items/new", form(uploads=tokens))
    assert saved.status_code == 302
    assert only_item_photos(app, merchant[1]) == [(400, 300), (300, 400)]
    assert count(app, PendingUpload) == 0
    assert stored_files(app)  # now, and only now, in the media storage


def test_a_photo_picked_with_the_script_is_held_at_once_and_attached_on_save(app, client, merchant):
    status, body = upload_now(client, picture((0, 150, 0)), picture((150, 0, 0)))
    assert status == 200
    assert body["errors"] == []
    tokens = [u["token"] for u in body["uploads"]]
    assert len(set(tokens)) == 2
    preview = client.get(body["uploads"][0]["preview"])
    assert preview.status_code == 200
    assert preview.mimetype == "image/webp"
    assert "no-store" in preview.headers["Cache-Control"]
    assert stored_files(app) == []
    # An error elsewhere: the held photos are shown again, in the same order.
    refused = post(client, "/dashboard/items/new", form(price="", uploads=tokens))
    assert held_tokens(refused.text) == tokens
    # Unticking one leaves it out.
    post(client, "/dashboard/items/new", form(uploads=tokens[1:]))
    assert only_item_photos(app, merchant[1]) == [(400, 300)]


def test_a_new_photo_on_the_edit_page_goes_after_the_existing_ones(app, client, merchant):
    post(client, "/dashboard/items/new", form(photos=[(io.BytesIO(picture()), "a.jpg")]))
    with app.app_context():
        item_id = db.session.scalars(select(Item.id)).one()
    _status, body = upload_now(client, picture((1, 2, 250), size=(300, 300)))
    token = body["uploads"][0]["token"]
    refused = post(client, f"/dashboard/items/{item_id}/edit", form(price="x", uploads=[token]))
    assert held_tokens(refused.text) == [token]
    assert post(client, f"/dashboard/items/{item_id}/edit", form(uploads=[token])).status_code
    assert only_item_photos(app, merchant[1]) == [(400, 300), (300, 300)]


def test_another_merchant_can_neither_see_nor_attach_a_held_photo(
    app, client, merchant, sign_in_as
):
    _status, body = upload_now(client, picture())
    token, preview = body["uploads"][0]["token"], body["uploads"][0]["preview"]
    other = app.test_client()
    with app.app_context():
        user = factories.make_user("Otra")
        factories.make_shop(user, slug="otra")
        db.session.commit()
        other_id = user.id
    sign_in_as(other, other_id)
    assert other.get(preview).status_code == 404
    saved = post(other, "/dashboard/items/new", form(uploads=[token]))
    assert saved.status_code == 302
    assert count(app, ItemPhoto) == 0
    assert count(app, PendingUpload) == 1  # still the first merchant's
    # Signed out: no preview either.
    assert app.test_client().get(preview).status_code in (302, 401, 404)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a photo", "not a photo we can use"),
        (picture(size=(8, 8)), "too small"),
        (picture(size=(2000, 100)), "too long and narrow"),
        (b"\xff" * (MAX_BYTES + 1), "larger than 10 MB"),
    ],
)
def test_held_photos_meet_the_same_checks_as_any_upload(app, client, merchant, data, message):
    status, body = upload_now(client, data, names=["mala.jpg"])
    assert status == 422
    assert body["uploads"] == []
    assert message in body["errors"][0]
    assert "mala.jpg" in body["errors"][0]
    assert count(app, PendingUpload) == 0


def test_too_many_pixels_are_refused_before_being_held(app, client, merchant):
    from tests.media.images import png_declaring

    status, body = upload_now(client, png_declaring(10_000, 10_000))
    assert status == 422
    assert "too many pixels" in body["errors"][0]


def test_held_photos_count_toward_the_ten_a_product_can_have(app, client, merchant):
    _status, body = upload_now(client, *[picture((n, n, n)) for n in range(6)])
    tokens = [u["token"] for u in body["uploads"]]
    files = [(io.BytesIO(picture((9, n * 20, 9))), f"{n}.jpg") for n in range(5)]
    refused = post(client, "/dashboard/items/new", form(uploads=tokens, photos=files))
    assert refused.status_code == 422
    assert count(app, Item) == 0
    assert "10" in refused.text


def test_a_post_without_a_photo_asks_for_one(client, merchant):
    status, body = upload_now(client)
    assert status == 422
    assert body["uploads"] == []


def test_unclaimed_photos_go_after_a_day_by_the_periodic_task(app, client, merchant):
    from shop.jobs.running import start_periodic

    _status, body = upload_now(client, picture((3, 3, 3)), picture((4, 4, 4)))
    with app.app_context():
        db.session.execute(
            update(PendingUpload)
            .where(PendingUpload.token == body["uploads"][0]["token"])
            .values(created_at=utcnow() - timedelta(hours=25))
        )
        db.session.commit()
        start_periodic("pending-uploads-prune")
    assert count(app, PendingUpload) == 1
    with app.app_context():
        assert db.session.scalar(select(PendingUpload.token)) == body["uploads"][1]["token"]
        assert pending.delete_unclaimed(timedelta(0)) == 1
