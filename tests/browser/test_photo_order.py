"""Issue 16: photos are put in order by dragging, with a finger on a phone or a mouse,
held ones before the product is saved and saved ones on its edit page; and "Save and add
another" tapped while a photo uploads still adds another."""

from __future__ import annotations

import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect
from sqlalchemy import select

from shop.extensions import db
from shop.models import Item
from tests import factories
from tests.browser.conftest import PHONE

SIZES = [(640, 480), (480, 640), (600, 600)]  # each photo known by its shape after the pipeline


@pytest.fixture
def photos(tmp_path):
    paths = []
    for n, size in enumerate(SIZES):
        path = tmp_path / f"foto-{n}.jpg"
        PILImage.new("RGB", size, (60 * n, 120, 200)).save(path, "JPEG")
        paths.append(str(path))
    return paths


@pytest.fixture
def shop_owner(app):
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user, slug="ceramica-orden", name="Cerámica Orden")
        db.session.commit()
        return user.id


def shapes(app) -> list[tuple[int, int]]:
    with app.app_context():
        item = db.session.scalar(select(Item))
        return [(p.image.width, p.image.height) for p in item.photos]


def centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def touch_drag(page, start, end, steps=8) -> None:
    """A finger pressed on `start`, moved to `end` and lifted (Chromium's own touch input)."""
    cdp = page.context.new_cdp_session(page)
    (x0, y0), (x1, y1) = start, end
    cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]}
    )
    for step in range(1, steps + 1):
        x, y = x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_held_photos_dragged_with_a_mouse_are_saved_in_that_order(
    app, live_server, browser, browser_sign_in, shop_owner, photos
):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    browser_sign_in(context, shop_owner)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/items/new")
    page.fill("#name", "Jarra")
    page.fill("#price", "20")
    page.set_input_files("#photos", photos)
    expect(page.locator('.held-photos input[name="uploads"]')).to_have_count(3)
    handles = page.locator(".held-photos .drag-handle")
    page.mouse.move(*centre(handles.nth(2)))
    page.mouse.down()
    page.mouse.move(*centre(handles.nth(0)), steps=8)
    page.mouse.up()
    names = page.locator(".held-photos li span:not(.drag-handle)").all_inner_texts()
    assert names == ["foto-2.jpg", "foto-0.jpg", "foto-1.jpg"]
    expect(page.locator('.held-photos input[name="uploads"]:checked')).to_have_count(3)
    page.locator("form.item-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dashboard/items\?"))
    assert shapes(app) == [SIZES[2], SIZES[0], SIZES[1]]
    context.close()


def test_saved_photos_dragged_with_a_finger_on_a_phone(
    app, live_server, browser, browser_sign_in, shop_owner, photos
):
    context = browser.new_context(locale="es-ES", **PHONE)
    context.set_default_timeout(10_000)
    browser_sign_in(context, shop_owner)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/items/new")
    page.fill("#name", "Jarra")
    page.fill("#price", "20")
    page.set_input_files("#photos", photos)
    expect(page.locator('.held-photos input[name="uploads"]')).to_have_count(3)
    page.locator("form.item-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dashboard/items\?"))
    with app.app_context():
        item_id = db.session.scalar(select(Item.id))
    page.goto(f"{live_server}/dashboard/items/{item_id}/edit#photos")
    handles = page.locator(".photo-list .drag-handle")
    expect(handles).to_have_count(3)
    handles.nth(2).scroll_into_view_if_needed()
    with page.expect_response("**/photos/order") as answer:
        touch_drag(page, centre(handles.nth(2)), centre(handles.nth(0)))
    assert answer.value.status == 200
    assert shapes(app) == [SIZES[2], SIZES[0], SIZES[1]]
    # The list is the server's again: the cover badge and the arrows follow the new order.
    first = page.locator(".photo-list li").first
    expect(first.locator(".badge")).to_be_visible()
    expect(first.locator("button[value=up]")).to_be_disabled()
    expect(page.locator(".photo-list li").nth(2).locator("button[value=down]")).to_be_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The arrows stay the keyboard's way.
    page.locator(".photo-list li").nth(1).locator("button[value=up]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert shapes(app) == [SIZES[0], SIZES[2], SIZES[1]]
    context.close()


def test_a_refused_order_puts_the_photos_back(
    app, live_server, browser, browser_sign_in, shop_owner, photos
):
    context = browser.new_context(locale="en-US", **PHONE)
    context.set_default_timeout(10_000)
    browser_sign_in(context, shop_owner)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/items/new")
    page.fill("#name", "Jarra")
    page.fill("#price", "20")
    page.set_input_files("#photos", photos[:2])
    expect(page.locator('.held-photos input[name="uploads"]')).to_have_count(2)
    page.locator("form.item-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dashboard/items\?"))
    with app.app_context():
        item_id = db.session.scalar(select(Item.id))
    page.goto(f"{live_server}/dashboard/items/{item_id}/edit#photos")
    page.route("**/photos/order", lambda route: route.fulfill(status=409, body="{}"))
    handles = page.locator(".photo-list .drag-handle")
    before = page.locator(".photo-list li").evaluate_all("rows => rows.map(r => r.dataset.id)")
    touch_drag(page, centre(handles.nth(1)), centre(handles.nth(0)))
    expect(page.locator("[data-sort-error]")).to_be_visible()
    after = page.locator(".photo-list li").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert after == before
    assert shapes(app) == [SIZES[0], SIZES[1]]
    context.close()


def test_save_and_add_another_tapped_while_a_photo_uploads_adds_another(
    app, live_server, browser, browser_sign_in, shop_owner, photos
):
    context = browser.new_context(locale="es-ES", **PHONE)
    context.set_default_timeout(10_000)
    browser_sign_in(context, shop_owner)
    page = context.new_page()
    held_back = []
    page.route("**/dashboard/uploads", lambda route: held_back.append(route))
    page.goto(f"{live_server}/dashboard/items/new")
    page.fill("#name", "Jarra")
    page.fill("#price", "20")
    page.set_input_files("#photos", photos[:1])
    page.locator(".held-photos li[aria-busy=true]").wait_for()
    page.tap("form.item-form button[name=then][value=another]")
    while not held_back:
        page.wait_for_timeout(20)
    with page.expect_navigation():
        held_back[0].continue_()
    assert page.url.endswith("/dashboard/items/new")  # not the list
    expect(page.locator(".alert, .flash").first).to_contain_text("Jarra")
    assert len(shapes(app)) == 1
    context.close()
