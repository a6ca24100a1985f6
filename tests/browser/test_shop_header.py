"""The storefront's top bar on a phone: the shop's whole name (the demo's was "Tienda Sc"),
the language switch and the cart, never wider than the screen."""

from __future__ import annotations

import pytest

from shop.dev.demo import ensure_demo_shop
from shop.extensions import db
from tests import factories

CLIPPED = """() => {
  const name = document.querySelector('.shop-brand span');
  const box = name.getBoundingClientRect();
  return {clipped: name.scrollWidth > name.clientWidth + 1
            || name.scrollHeight > name.clientHeight + 1,
          lines: Math.round(box.height / parseFloat(getComputedStyle(name).lineHeight)),
          width: document.scrollingElement.scrollWidth};
}"""


@pytest.mark.parametrize(
    "name",
    [
        None,  # the demo shop of `make run`
        "Cerámica Luna · Talleres artesanos de Granada",
        "Supercalifragilisticexpialidocious-tienda",
    ],
)
def test_the_whole_name_shows_on_a_phone(app, live_server, phone_context, name):
    with app.test_request_context():
        if name is None:
            shop = ensure_demo_shop()
        else:
            shop = factories.make_shop(factories.make_user(), name=name, slug="luna")
        item = factories.make_item(shop, None, name="Jarrón")
        db.session.commit()
        slug, shown, item_id = shop.slug, shop.name, item.id
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/{slug}")
    # With the cart's badge beside it too, as after adding something.
    page.locator(".cart-link").evaluate("link => link.hidden = false")
    assert page.locator(".shop-brand span").inner_text() == shown
    seen = page.evaluate(CLIPPED)
    assert not seen["clipped"], seen
    assert seen["lines"] <= 3, seen
    assert seen["width"] <= 360, seen
    assert item_id


NAME_FITS = """() => {
  const name = document.querySelector('.shop-brand span');
  return name.scrollHeight <= name.clientHeight + 1 && name.scrollWidth <= name.clientWidth + 1;
}"""


@pytest.mark.parametrize(
    "name", ["Tienda Sol", "Cerámica Luna de Valencia", "Panadería 🥐 La Espiga Dorada"]
)
def test_the_whole_name_shows_next_to_the_cart_at_360_px(app, live_server, phone_context, name):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="nombre", name=name)
        item = factories.make_item(shop, None, name="Pan", price_minor=250)
        db.session.commit()
        item_id = item.id
    page = phone_context.new_page()
    page.goto(f"{live_server}/s/nombre")
    page.locator(f"[data-add][data-item-id='{item_id}']").tap()
    page.locator("[data-cart-link]").wait_for(state="visible")
    assert page.evaluate(NAME_FITS), page.locator(".shop-brand span").bounding_box()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    for control in (".shop-language", "[data-cart-link]"):
        box = page.locator(control).bounding_box()
        assert box["x"] + box["width"] <= 360, control
        assert box["height"] >= 44, control
