"""Issue 16, "Add from photos": one draft product per photo, named and priced in one
list and saved together. Drafts are never items: not in the shop, its search, the
catalog feed, the sitemap or the merchant's CSV until they are priced and saved."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Item, PendingUpload, Shop
from tests import factories
from tests.dashboard.test_items import make_category

EN = {"Accept-Language": "en"}
URL = "/dashboard/items/from-photos"


def picture(color) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 240), color).save(buffer, "JPEG")
    return buffer.getvalue()


def add_photos(client, *names: str):
    files = [
        (io.BytesIO(picture((n * 40, 90, 200 - n * 40))), name) for n, name in enumerate(names)
    ]
    return client.post(
        URL,
        data={"action": "upload", "photos": files},
        content_type="multipart/form-data",
        headers=EN,
    )


def tokens(page: str) -> list[str]:
    return re.findall(r'name="name-([^"]+)"', page)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_photos_become_drafts_that_are_never_items(app, client, merchant):
    response = add_photos(client, "Taza azul.jpg", "jarron.jpg", "plato.jpg")
    assert response.status_code == 302
    page = client.get(URL, headers=EN).text
    assert len(tokens(page)) == 3
    assert 'value="Taza azul"' in page  # named after the file, to start with
    assert count(app, Item) == 0
    assert count(app, PendingUpload, PendingUpload.draft.is_(True)) == 3
    assert [p for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file()] == []
    with app.app_context():
        slug = db.session.get(Shop, merchant[1]).slug
    public = [
        f"/s/{slug}",
        f"/s/{slug}?q=Taza",
        f"/s/{slug}/catalog.csv",
        "/sitemap.xml",
    ]
    for url in public:
        assert "Taza azul" not in client.get(url).get_data(as_text=True), url
    assert "Taza azul" not in client.get("/dashboard/catalog.csv").get_data(as_text=True)
    assert "Taza azul" not in client.get("/dashboard/items", headers=EN).text


def test_the_list_is_saved_together_and_unpriced_drafts_wait(app, client, merchant):
    cups = make_category(app, merchant[1], "Tazas")
    add_photos(client, "a.jpg", "b.jpg", "c.jpg")
    first, second, third = tokens(client.get(URL, headers=EN).text)
    response = client.post(
        URL,
        data={
            "action": "save",
            f"name-{first}": "Taza azul",
            f"price-{first}": "18,50",
            f"category-{first}": str(cups),
            f"name-{second}": "Jarrón sin precio",
            f"price-{second}": "",
            f"name-{third}": "Plato",
            f"price-{third}": "9",
            f"remove-{third}": "y",
        },
        headers=EN,
    )
    assert response.status_code == 302
    with app.app_context():
        (item,) = db.session.scalars(select(Item)).all()
        assert (item.name, item.price_minor, item.category_id) == ("Taza azul", 1850, cups)
        assert len(item.photos) == 1
        (waiting,) = db.session.scalars(select(PendingUpload)).all()
        assert (waiting.token, waiting.draft_name) == (second, "Jarrón sin precio")
    page = client.get(URL, headers=EN).text
    assert "1 product saved. 1 draft waits for its price." in page
    assert 'value="Jarrón sin precio"' in page


def test_one_bad_row_saves_nothing_and_keeps_what_was_typed(app, client, merchant):
    add_photos(client, "a.jpg", "b.jpg")
    first, second = tokens(client.get(URL, headers=EN).text)
    response = client.post(
        URL,
        data={
            "action": "save",
            f"name-{first}": "Taza 🍵",
            f"price-{first}": "12",
            f"name-{second}": "Jarrón",
            f"price-{second}": "1.234",
        },
        headers=EN,
    )
    assert response.status_code == 422
    assert "Is “1.234” 1.234,00 or 1,234?" in response.text
    assert 'value="Taza 🍵"' in response.text
    assert count(app, Item) == 0
    assert count(app, PendingUpload) == 2
    no_name = client.post(URL, data={"action": "save", f"price-{first}": "12"}, headers=EN)
    assert no_name.status_code == 422
    assert "Enter a name." in no_name.text


def test_another_merchants_drafts_are_out_of_reach(app, client, merchant, sign_in_as):
    add_photos(client, "mia.jpg")
    (token,) = tokens(client.get(URL, headers=EN).text)
    other = app.test_client()
    with app.app_context():
        user = factories.make_user("Otra")
        factories.make_shop(user, slug="otra")
        db.session.commit()
        other_id = user.id
    sign_in_as(other, other_id)
    assert tokens(other.get(URL, headers=EN).text) == []
    other.post(URL, data={"action": "save", f"name-{token}": "Robada", f"price-{token}": "1"})
    assert count(app, Item) == 0
    assert count(app, PendingUpload) == 1


def test_drafts_are_capped_and_bad_photos_refused(app, client, merchant):
    refused = client.post(
        URL,
        data={"action": "upload", "photos": [(io.BytesIO(b"nope"), "nope.jpg")]},
        content_type="multipart/form-data",
        headers=EN,
    )
    assert refused.status_code == 302
    assert "nope.jpg: That file is not a photo" in client.get(URL, headers=EN).text
    names = [f"{n}.jpg" for n in range(31)]
    add_photos(client, *names)
    assert "At most 30 drafts" in client.get(URL, headers=EN).text
    assert count(app, PendingUpload) == 0


def test_drafts_wait_thirty_days_not_one(app, client, merchant):
    from datetime import timedelta

    from sqlalchemy import update

    from shop.jobs.running import start_periodic
    from shop.models import utcnow

    add_photos(client, "a.jpg", "b.jpg")
    first, second = tokens(client.get(URL, headers=EN).text)
    with app.app_context():
        for token, age in ((first, timedelta(days=2)), (second, timedelta(days=31))):
            db.session.execute(
                update(PendingUpload)
                .where(PendingUpload.token == token)
                .values(created_at=utcnow() - age)
            )
        db.session.commit()
        start_periodic("pending-uploads-prune")
        assert list(db.session.scalars(select(PendingUpload.token))) == [first]
