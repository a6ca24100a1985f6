"""Product pages and searches render their own blocks into the shop's kept layout
(shop/storefront/fast/framed.py): one frame per shop, language and site serves every
product and every search, and a page put together that way is byte for byte the page
rendered whole."""

from __future__ import annotations

import io

import pytest
from jinja2 import ChoiceLoader, DictLoader

from shop.extensions import db
from shop.media.pipeline import ingest
from shop.models import Item, ItemPhoto, Shop
from shop.storefront.fast import framed, public_shop
from shop.storefront.fast.frames import EXTENSION, Frames, frames
from tests import factories
from tests.storefront.options_shop import build_options_shop
from tests.storefront.shopper import build_shop, jpeg_bytes

EN = {"Accept-Language": "en"}


@pytest.fixture
def ids(app):
    app.config["PAGE_CACHE"] = "off"  # every request renders
    return build_shop(app)


def whole(app, client, monkeypatch, path: str, headers=None) -> bytes:
    """The page rendered whole by render_template, as before frames."""
    with monkeypatch.context() as patched:
        patched.setattr(framed, "_frameable", lambda template: False)
        app.extensions[EXTENSION] = Frames()
        return client.get(path, headers=headers or EN).data


def framed_twice(client, path: str, headers=None) -> bytes:
    """The page from a frame made just now, then from the kept frame: the same bytes."""
    first = client.get(path, headers=headers or EN)
    again = client.get(path, headers=headers or EN)
    assert first.status_code == 200
    assert first.data == again.data
    return again.data


def kept(app) -> int:
    with app.app_context():
        return len(frames())


def add_photos(app, item_id: int, count: int) -> None:
    with app.app_context():
        item = db.session.get(Item, item_id)
        for n in range(count):
            image = ingest(item.shop, io.BytesIO(jpeg_bytes((900, 600), (40 * n, 90, 200))))
            item.photos.append(ItemPhoto(image=image, position=n))
        db.session.commit()


def edit(app, model, row_id: int, **fields) -> None:
    with app.app_context():
        row = db.session.get(model, row_id)
        for name, value in fields.items():
            setattr(row, name, value)
        db.session.commit()


@pytest.mark.parametrize(
    "which", ["shirt", "cap", "service", "sold_out"], ids=lambda name: f"product-{name}"
)
def test_a_product_page_is_the_page_rendered_whole(app, client, ids, monkeypatch, which):
    add_photos(app, ids.shirt, 3)
    edit(app, Item, ids.cap, description="Línea 1\n" * 8 + "<script>alert(1)</script> 🧢")
    path = f"/s/{ids.slug}/p/{getattr(ids, which)}"

    page = framed_twice(client, path)

    assert page == whole(app, client, monkeypatch, path)
    assert b"<script>alert(1)</script>" not in page


def test_a_product_with_options_in_spanish_is_the_page_rendered_whole(app, client, monkeypatch):
    app.config["PAGE_CACHE"] = "off"
    ids = build_options_shop(app, language="es")
    path = f"/s/{ids.slug}/p/{ids.shirt}"

    page = framed_twice(client, path, {"Accept-Language": "es"})

    assert b"Talla" in page
    assert page == whole(app, client, monkeypatch, path, {"Accept-Language": "es"})


@pytest.mark.parametrize(
    "query",
    ["camiseta", "nothing-matches", "<b>café</b> 🌞", "gorra"],
    ids=["hit", "miss", "html", "other"],
)
def test_a_search_is_the_page_rendered_whole(app, client, ids, monkeypatch, query):
    path = f"/s/{ids.slug}?q={query}"

    page = framed_twice(client, path)

    assert page == whole(app, client, monkeypatch, path)
    assert b"<b>caf" not in page


def test_every_product_and_search_of_a_shop_shares_one_frame(app, client, ids):
    for path in (
        f"/s/{ids.slug}/p/{ids.shirt}",
        f"/s/{ids.slug}/p/{ids.cap}",
        f"/s/{ids.slug}/p/{ids.service}",
        f"/s/{ids.slug}?q=camiseta",
        f"/s/{ids.slug}?q=gorra",
    ):
        assert client.get(path, headers=EN).status_code == 200

    assert kept(app) == 1


def test_the_language_picked_by_link_gets_its_own_frame_and_links(app, client, ids, monkeypatch):
    path = f"/s/{ids.slug}/p/{ids.shirt}"
    english = framed_twice(client, path)
    spanish = framed_twice(client, path + "?lang=es")

    assert kept(app) == 2
    assert english != spanish
    assert b'lang="es"' in spanish
    # The language switch points at this product in the other language, not another page.
    assert f"/s/{ids.slug}/p/{ids.shirt}?lang=es".encode() in english
    assert spanish == whole(app, client, monkeypatch, path + "?lang=es")


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"name": "Sol & Luna"}, "Sol &amp; Luna"),
        ({"paused": True, "pause_message": "Vacaciones 🏖️"}, "Vacaciones 🏖️"),
        ({"language": "es"}, "Carrito"),
    ],
)
def test_a_change_the_layout_shows_is_on_the_next_product_page(
    app, client, ids, monkeypatch, fields, shown
):
    path = f"/s/{ids.slug}/p/{ids.shirt}"
    client.get(path)
    edit(app, Shop, ids.shop, **fields)

    page = framed_twice(client, path, headers={})

    assert shown in page.decode()
    assert page == whole(app, client, monkeypatch, path, headers={})


def test_an_item_edit_keeps_the_frame_and_shows_the_new_price(app, client, ids):
    path = f"/s/{ids.slug}/p/{ids.shirt}"
    client.get(path, headers=EN)
    edit(app, Item, ids.shirt, price_minor=2550, name="Camiseta <i>nueva</i>")

    page = client.get(path, headers=EN).get_data(as_text=True)

    assert kept(app) == 1
    assert "€25.50" in page
    assert "Camiseta &lt;i&gt;nueva&lt;/i&gt;" in page


def test_a_page_that_overrides_more_of_the_layout_is_rendered_whole(app, ids):
    odd = (
        '{% extends "storefront/layout.html" %}'
        "{% block scripts %}<script>odd()</script>{% endblock %}"
        "{% block content %}<p>Odd page</p>{% endblock %}"
    )
    app.jinja_env.loader = ChoiceLoader([DictLoader({"odd.html": odd}), app.jinja_env.loader])
    with app.test_request_context(f"/s/{ids.slug}", headers=EN):
        page = framed.framed_page("odd.html", public_shop(ids.slug)).decode()

        assert not framed._frameable("odd.html")
        assert "<script>odd()</script>" in page
        assert "<p>Odd page</p>" in page
        assert "cart.js" not in page  # its own scripts block, not the layout's
        assert len(frames()) == 0


def test_another_shop_never_gets_this_shops_frame(app, client, ids):
    client.get(f"/s/{ids.slug}/p/{ids.shirt}", headers=EN)
    page = client.get(f"/s/otra-tienda/p/{ids.other_item}", headers=EN).get_data(as_text=True)

    assert kept(app) == 2
    assert "Otra" in page
    assert "Tienda Sol" not in page


def test_a_shop_without_products_in_a_search_still_frames(app, client):
    app.config["PAGE_CACHE"] = "off"
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="vacia", name="Vacía")
        db.session.commit()

    page = client.get("/s/vacia?q=x", headers=EN)

    assert page.status_code == 200
    assert "Vacía" in page.get_data(as_text=True)
