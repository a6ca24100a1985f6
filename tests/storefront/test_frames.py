"""The shop page's frame (everything around the cards) is remembered by what it is made
of: an item edit reuses it, anything the frame shows makes a new one, and a page put
together from a kept frame is byte for byte the page rendered from nothing."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.models import Category, Item, Shop
from shop.storefront.fast.frames import EXTENSION, Frames, frames
from tests.storefront.shopper import build_shop

EN = {"Accept-Language": "en"}


@pytest.fixture
def ids(app):
    app.config["PAGE_CACHE"] = "off"  # every request renders: what the frames are for
    return build_shop(app)


def kept(app) -> int:
    with app.app_context():
        return len(frames())


def edit(app, model, row_id: int, **fields) -> None:
    """Change a row as the dashboard does: the catalog version moves on by itself."""
    with app.app_context():
        row = db.session.get(model, row_id)
        for name, value in fields.items():
            setattr(row, name, value)
        db.session.commit()


def from_nothing(app, client, path: str) -> str:
    """The page rendered with no frame kept."""
    app.extensions[EXTENSION] = Frames()
    return client.get(path).get_data(as_text=True)


def test_an_item_edit_reuses_the_frame_and_shows_the_new_card(app, client, ids):
    assert "€20.00" in client.get("/s/tienda-sol").get_data(as_text=True)
    assert kept(app) == 1
    edit(app, Item, ids.shirt, price_minor=2550, name="Camiseta roja <b>")

    page = client.get("/s/tienda-sol").get_data(as_text=True)

    assert kept(app) == 1  # the same frame
    assert "€25.50" in page
    assert "€20.00" not in page
    assert "Camiseta roja &lt;b&gt;" in page
    assert page == from_nothing(app, client, "/s/tienda-sol")


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"name": "Sol & Luna"}, "Sol &amp; Luna"),
        ({"description": "Abierto 🌞"}, "Abierto 🌞"),
        ({"opening_hours": {"0": [["09:00", "14:00"]]}}, "09:00"),
        ({"paused": True, "pause_message": "Vacaciones"}, "Vacaciones"),
        ({"language": "es"}, "Agregar"),
    ],
)
def test_a_change_to_what_the_frame_shows_shows_at_once(app, client, ids, fields, shown):
    client.get("/s/tienda-sol")
    edit(app, Shop, ids.shop, **fields)

    page = client.get("/s/tienda-sol").get_data(as_text=True)

    assert shown in page
    assert kept(app) == 2
    assert page == from_nothing(app, client, "/s/tienda-sol")


def test_a_new_or_renamed_category_shows_in_the_navigation(app, client, ids):
    client.get("/s/tienda-sol")
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        hats = Category(shop=shop, name="Sombreros", position=2)
        db.session.add(hats)
        db.session.flush()
        db.session.get(Item, ids.cap).category_id = hats.id
        db.session.commit()

    page = client.get("/s/tienda-sol").get_data(as_text=True)

    assert "Sombreros" in page
    assert page == from_nothing(app, client, "/s/tienda-sol")


def test_each_host_gets_a_frame_with_its_own_absolute_links(app, client, ids):
    one = client.get("/s/tienda-sol", headers={"Host": "uno.example"}).get_data(as_text=True)
    two = client.get("/s/tienda-sol", headers={"Host": "dos.example"}).get_data(as_text=True)
    assert 'og:url" content="http://uno.example/s/tienda-sol"' in one
    assert 'og:url" content="http://dos.example/s/tienda-sol"' in two
    assert kept(app) == 2


def test_searches_keep_no_frame_of_their_own(app, client, ids):
    page = client.get("/s/tienda-sol?q=gorra", headers=EN).get_data(as_text=True)
    client.get("/s/tienda-sol?q=camiseta", headers=EN)
    assert "Gorra" in page
    assert "Camiseta azul" not in page
    # Only the layout's frame, shared by every search and product page (framed.py).
    assert kept(app) == 1


def test_an_empty_shop_and_its_first_product(app, client, ids):
    with app.app_context():
        empty = Shop(
            owner_id=db.session.get(Shop, ids.shop).owner_id,
            slug="vacia",
            name="Vacía",
            whatsapp="+34600000000",
            currency="EUR",
            language="en",
        )
        db.session.add(empty)
        db.session.commit()
        empty_id = empty.id
    assert "no products yet" in client.get("/s/vacia").get_data(as_text=True)
    with app.app_context():
        shop = db.session.get(Shop, empty_id)
        db.session.add(Item(shop=shop, name="Primera", price_minor=100, position=0))
        db.session.commit()
    page = client.get("/s/vacia").get_data(as_text=True)
    assert "Primera" in page
    assert "no products yet" not in page


def test_the_oldest_frames_are_dropped_first():
    store = Frames(size=2)
    for key in ("a", "b", "c"):
        store.put((key,), [key])
    assert store.get(("a",)) is None
    assert store.get(("b",)) == ["b"]
    store.put(("d",), ["d"])  # "b" was just used: "c" goes
    assert store.get(("c",)) is None
    assert len(store) == 2
