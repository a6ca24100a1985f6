"""A product page a thumb can use: long descriptions folded, the add button in reach,
photos in their own proportions, and a tidy placeholder for an item without one."""

from __future__ import annotations

import io

from playwright.sync_api import expect

from shop.extensions import db
from shop.media.pipeline import ingest
from shop.models import ItemPhoto
from tests import factories
from tests.storefront.shopper import jpeg_bytes


def _bottom_on_screen(page, locator) -> float:
    return locator.evaluate("element => element.getBoundingClientRect().bottom")


def test_a_long_description_is_folded_and_the_add_button_is_in_reach(
    app, live_server, phone_context
):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="sun-shop", language="en")
        item = factories.make_item(
            shop, None, name="ñandú plush", description="A very soft toy.\n" * 120
        )
        db.session.commit()
        item_id = item.id
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/sun-shop/p/{item_id}")
    add = page.locator("[data-add-to-cart]")
    expect(add).to_be_visible()
    assert _bottom_on_screen(page, add) <= 740  # not 2,500 px down
    description = page.locator(".product-description")
    folded = description.bounding_box()["height"]
    assert folded < 200
    placeholder = page.locator(".product-noimage")
    expect(placeholder).to_have_text("Ñ")
    page.get_by_text("Read more").tap()
    assert description.bounding_box()["height"] > 5 * folded
    page.get_by_text("Read less").tap()
    assert description.bounding_box()["height"] == folded


def test_photos_keep_their_own_proportions(app, live_server, phone_context):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="sun-shop", language="en")
        item = factories.make_item(shop, None, name="Wide print")
        for position, size in enumerate([(1600, 900), (900, 1600)]):
            image = ingest(shop, io.BytesIO(jpeg_bytes(size)))
            item.photos.append(ItemPhoto(image=image, position=position))
        db.session.commit()
        item_id = item.id
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/sun-shop/p/{item_id}")
    image = page.locator(".gallery-slide img").first
    expect(image).to_be_visible()
    box = image.bounding_box()
    assert abs(box["width"] / box["height"] - 16 / 9) < 0.02  # no white bands
    assert box["width"] == 360
    expect(page.locator(".gallery-count")).to_have_text("1 / 2")


def test_the_photo_has_its_room_before_it_arrives(app, live_server, phone_context):
    """The page does not jump when the photo comes in on a slow connection: its box has
    the photo's proportions from the first paint (Lighthouse counted a 0.36 layout shift
    when a style rule overrode the ratio the width and height attributes give)."""
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="sun-shop", language="en")
        item = factories.make_item(shop, None, name="Tall 🌵 print", description="Hand made.")
        image = ingest(shop, io.BytesIO(jpeg_bytes((900, 1200))))
        item.photos.append(ItemPhoto(image=image, position=0))
        db.session.commit()
        item_id = item.id
    page = phone_context.new_page()
    page.add_init_script(
        "window.__shift = 0; new PerformanceObserver(list => { for (const entry of"
        " list.getEntries()) window.__shift += entry.value; })"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    held = []
    page.route("**/media/**", lambda route: held.append(route))
    page.goto(f"{live_server}/s/sun-shop/p/{item_id}", wait_until="domcontentloaded")
    photo = page.locator(".gallery-slide img")
    title = page.locator(".product-info h1")
    expect(title).to_be_visible()
    assert held, "the photo is still on its way"
    box = photo.bounding_box()
    assert abs(box["height"] - box["width"] * 4 / 3) < 2  # its room, before a byte of it
    title_top = title.bounding_box()["y"]
    for route in held:
        route.continue_()
    page.unroute("**/media/**")
    expect(photo).to_have_js_property("complete", True)
    page.wait_for_function("document.querySelector('.gallery-slide img').naturalWidth > 0")
    assert title.bounding_box()["y"] == title_top
    assert page.evaluate("window.__shift") < 0.05
