"""Issue 16 on a phone: photos upload as soon as they are picked and survive an error,
quick add and add from photos work at 360 px without sideways scrolling;
a Spanish shop's price typed the Spanish way is taken from an English browser."""

from __future__ import annotations

import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect
from sqlalchemy import select

from shop.extensions import db
from shop.models import Item, PendingUpload
from tests import factories
from tests.browser.conftest import PHONE


@pytest.fixture
def photos(tmp_path):
    paths = []
    for n, color in enumerate([(200, 60, 40), (40, 60, 200)]):
        path = tmp_path / f"taza-{n}.jpg"
        PILImage.new("RGB", (640, 480), color).save(path, "JPEG")
        paths.append(str(path))
    return paths


def test_picked_photos_are_kept_through_a_refused_save_on_a_phone(
    app, live_server, browser, browser_sign_in, photos
):
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user, slug="ceramica-luna", name="Cerámica Luna")
        db.session.commit()
        user_id = user.id
    context = browser.new_context(locale="en-US", **PHONE)
    context.set_default_timeout(10_000)
    browser_sign_in(context, user_id)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/items/new")
    assert page.locator("#photos").get_attribute("accept") == "image/*"
    assert page.locator("#photos").get_attribute("multiple") is not None

    page.fill("#name", "Taza de barro")
    page.set_input_files("#photos", photos)
    held = page.locator('input[name="uploads"]')
    held.nth(1).wait_for()
    assert held.count() == 2
    assert page.locator("#photos").evaluate("input => input.files.length") == 0
    assert page.locator("[data-progress]").is_hidden()

    # A price the shop's format does not allow in a 2-decimal currency: refused, photos kept.
    page.fill("#price", "18,505")
    page.locator("form.item-form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "18.505,00" in page.content()
    assert page.locator('input[name="uploads"]:checked').count() == 2
    previews = page.locator(".held-photos img")
    assert previews.nth(1).evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll

    page.fill("#price", "18,50")
    page.locator("form.item-form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server}/dashboard/items**")
    with app.app_context():
        item = db.session.scalar(select(Item))
        assert (item.name, item.price_minor, len(item.photos)) == ("Taza de barro", 1850, 2)
        assert db.session.scalar(select(PendingUpload)) is None
    context.close()


def test_save_tapped_while_a_photo_uploads_waits_for_it(
    app, live_server, browser, browser_sign_in, photos
):
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user, slug="ceramica-sol", name="Cerámica Sol")
        db.session.commit()
        user_id = user.id
    context = browser.new_context(locale="es-ES", **PHONE)
    context.set_default_timeout(10_000)
    browser_sign_in(context, user_id)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/items/new")
    page.fill("#name", "Plato hondo")
    page.fill("#price", "1.234,56")
    page.set_input_files("#photos", photos[:1])
    page.locator("form.item-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dashboard/items\?"))
    with app.app_context():
        item = db.session.scalar(select(Item))
        assert (item.price_minor, len(item.photos)) == (123456, 1)
    context.close()


def test_quick_add_with_a_new_category_on_a_phone(app, live_server, browser, browser_sign_in):
    """Name, price and a category typed in place; the rest stays folded under More."""
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user, slug="ceramica-mar", name="Cerámica Mar")
        db.session.commit()
        user_id = user.id
    context = browser.new_context(locale="en-US", **PHONE)
    context.set_default_timeout(10_000)
    browser_sign_in(context, user_id)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/items/new")
    assert page.locator("#description").is_hidden()
    assert page.locator("#new_category").is_hidden()
    page.fill("#name", "Cuenco")
    page.fill("#price", "12,50")
    page.select_option("#category", "new")
    page.locator("#new_category").wait_for()
    page.fill("#new_category", "Cuencos")
    page.locator("form.item-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dashboard/items\?"))
    with app.app_context():
        item = db.session.scalar(select(Item))
        assert (item.name, item.price_minor, item.category.name) == ("Cuenco", 1250, "Cuencos")
    context.close()


def test_add_from_photos_on_a_phone(app, live_server, browser, browser_sign_in, photos):
    """Two photos picked at once make two drafts in one list; one priced, saved."""
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user, slug="ceramica-rio", name="Cerámica Río")
        db.session.commit()
        user_id = user.id
    context = browser.new_context(locale="es-ES", **PHONE)
    context.set_default_timeout(10_000)
    browser_sign_in(context, user_id)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/items/from-photos")
    assert page.locator("#draft-photos").get_attribute("accept") == "image/*"
    page.set_input_files("#draft-photos", photos)
    page.locator("button[name=action][value=upload]").click()
    page.wait_for_load_state()
    names = page.locator("input[name^=name-]")
    expect(names).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    names.nth(0).fill("Taza roja")
    page.locator("input[name^=price-]").nth(0).fill("12,50")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state()
    expect(page.locator("input[name^=name-]")).to_have_count(1)  # the unpriced one waits
    with app.app_context():
        item = db.session.scalar(select(Item))
        assert (item.name, item.price_minor, len(item.photos)) == ("Taza roja", 1250, 1)
    context.close()


def test_save_stays_put_while_a_picked_photo_uploads(
    app, live_server, browser, browser_sign_in, photos
):
    """The photo shows at its final size the moment it is picked: a thumb on its way to
    Save when the upload ends still lands on Save."""
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user, slug="ceramica-sal", name="Cerámica Sal")
        db.session.commit()
        user_id = user.id
    context = browser.new_context(locale="es-ES", **PHONE)
    context.set_default_timeout(10_000)
    browser_sign_in(context, user_id)
    page = context.new_page()
    held_back = []
    page.route("**/dashboard/uploads", lambda route: held_back.append(route))
    page.goto(f"{live_server}/dashboard/items/new")
    save = page.locator("form.item-form button[type=submit]").first
    before = save.bounding_box()["y"]

    page.set_input_files("#photos", photos[:1])
    page.locator(".held-photos li[aria-busy=true]").wait_for()
    waiting = save.bounding_box()["y"]
    expect(page.locator(".held-photos li")).to_have_count(1)
    while not held_back:
        page.wait_for_timeout(20)
    held_back[0].continue_()
    page.locator('input[name="uploads"]').wait_for()
    expect(page.locator(".held-photos li[aria-busy]")).to_have_count(0)
    assert save.bounding_box()["y"] == waiting > before
    assert page.locator('input[name="uploads"]').is_checked()
    context.close()
