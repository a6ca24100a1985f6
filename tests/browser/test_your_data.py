"""What a person clicks, in Chromium: the landing page's language switch without a
cookie, downloading the whole shop, deleting it by typing its name."""

from __future__ import annotations

import zipfile

from shop.extensions import db
from tests import factories


def test_the_landing_page_switches_language_without_a_cookie_first(live_server, context):
    page = context.new_page()
    page.goto(f"{live_server}/")
    assert context.cookies() == []
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("button[lang=es]")
    page.wait_for_url(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert len(context.cookies()) == 1
    # Now the visitor has a session, the switch back carries the CSRF token.
    page.click("button[lang=en]")
    page.wait_for_url(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_merchant_downloads_the_shop_then_deletes_it(
    app, live_server, context, browser_sign_in, tmp_path
):
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user, name="Tienda Sol", slug="tienda-sol", language="en")
        factories.make_item(shop, None, name="Camiseta azul")
        db.session.commit()
        user_id = user.id
    browser_sign_in(context, user_id)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/settings")
    page.click("text=Download or delete your data")

    with page.expect_download() as download_info:
        page.click("text=Download a ZIP of Tienda Sol")
    download = download_info.value
    assert download.suggested_filename.startswith("vitrina-tienda-sol-")
    path = tmp_path / "shop.zip"
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert b"Camiseta azul" in archive.read("catalog/items.json")

    page.fill("input[name=name]", "Tienda")
    page.click("text=Delete Tienda Sol for good")
    assert "Type Tienda Sol exactly" in page.content()
    page.fill("input[name=name]", "tienda sol")
    page.click("text=Delete Tienda Sol for good")
    page.wait_for_url(f"{live_server}/dashboard/setup")
    assert "Your shop Tienda Sol was deleted" in page.content()

    response = page.goto(f"{live_server}/s/tienda-sol")
    assert response.status == 410
    assert "This shop has closed" in page.content()
