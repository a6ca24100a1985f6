"""A newcomer's first visit, in a real browser and in both languages: sign in with the
provider's form, set up a shop, add a category and a product with a photo, find it in
the product list and in the public shop."""

from __future__ import annotations

import uuid

import pytest
import requests
from flask_babel import force_locale, gettext
from PIL import Image as PILImage
from PIL import ImageDraw
from sqlalchemy import select

from shop.extensions import db
from shop.models import Item, Shop


def translated(app, lang: str, text: str) -> str:
    """The catalog's translation, so the test checks the page speaks `lang` for real."""
    with app.test_request_context(), force_locale(lang):
        result = gettext(text)
    assert lang == "en" or result != text, f"no {lang} translation for {text!r}"
    return result


pytestmark = pytest.mark.usefixtures("provider_sign_in")


@pytest.fixture
def photo(tmp_path):
    """A small photo-like JPEG: a gradient with a shape, not a flat colour."""
    image = PILImage.linear_gradient("L").resize((800, 600)).convert("RGB")
    ImageDraw.Draw(image).ellipse((250, 150, 550, 450), fill=(200, 60, 40))
    path = tmp_path / "camiseta.jpg"
    image.save(path, "JPEG", quality=85)
    return path


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("es-ES", "es")])
def test_newcomer_builds_a_catalog_with_a_photo(
    app, live_server, browser, oidc_server, photo, locale, lang
):
    context = browser.new_context(locale=locale, viewport={"width": 1024, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    subject = f"newcomer-{uuid.uuid4().hex[:8]}"
    claims = {"email": f"{subject}@example.com", "email_verified": True, "name": "Lucía"}
    assert requests.put(f"{oidc_server}/users/{subject}", json=claims).status_code == 204

    # Sign in through the provider's real form; a merchant without a shop lands on set-up.
    page.goto(f"{live_server}/")
    page.locator('a[href="/login"]').click()
    page.wait_for_url(f"{oidc_server}/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server}/dashboard/setup")
    assert page.locator("html").get_attribute("lang") == lang
    assert translated(app, lang, "Set up your shop") in page.content()

    page.fill("#name", "Camisetas Niño 👕")
    page.select_option("#country", "ES")
    page.fill("#phone", "612 345 678")
    page.click(".shop-form button[type=submit]")
    page.wait_for_url(f"{live_server}/dashboard")

    # A category, then a product in it with a photo and a price typed the local way.
    page.goto(f"{live_server}/dashboard/categories")
    page.fill("#name", "Verano")
    page.locator("#name").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("Verano").first.is_visible()

    page.goto(f"{live_server}/dashboard/items/new")
    page.fill("#name", "Camiseta azul")
    page.fill("#price", "1.234,50" if lang == "es" else "1,234.50")
    page.locator("details.more > summary").click()  # the rest is one tap away (issue 16)
    page.fill("#description", "Algodón orgánico.\nTallas S a XL.")
    page.select_option("#category", label="Verano")
    page.set_input_files("#photos", str(photo))
    page.locator('input[name="uploads"]').wait_for()  # uploaded as soon as picked
    page.locator("form.item-form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server}/dashboard/items**")

    page.goto(f"{live_server}/dashboard/items")
    row = page.locator("tr", has_text="Camiseta azul")
    assert row.is_visible()
    assert row.locator("img").count() == 1
    assert "1.234,50" in row.inner_text() or "1,234.50" in row.inner_text()
    assert row.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")

    with app.app_context():
        shop = db.session.scalar(select(Shop))
        item = db.session.scalar(select(Item))
        assert (shop.slug, shop.whatsapp) == ("camisetas-nino", "+34612345678")
        assert (item.price_minor, item.category.name, len(item.photos)) == (123450, "Verano", 1)
        assert item.description == "Algodón orgánico.\nTallas S a XL."

    # The shopper's view of the same shop shows the product with its photo.
    page.goto(f"{live_server}/s/{shop.slug}")
    card = page.locator("a", has_text="Camiseta azul").first
    assert card.is_visible()
    context.close()
