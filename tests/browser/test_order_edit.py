"""The merchant changes an order on a phone (360x740): raises a quantity, adds a product
with its size, saves, and the shopper's page shows the new lines and total."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from shop import ordering
from shop.extensions import db
from shop.models import Item, Order, Shop
from shop.ordering import Customer
from tests import factories
from tests.storefront.shopper import build_shop

WIDTH = """() => [document.scrollingElement.scrollWidth,
  [...document.querySelectorAll('main button, main .button, main select, main input')]
    .filter(e => e.offsetParent !== null && e.type !== 'hidden')
    .filter(e => e.getBoundingClientRect().height < 44 && e.type !== 'checkbox')
    .map(e => e.outerHTML.slice(0, 60))]"""


def test_a_merchant_changes_an_order_on_a_phone(app, live_server, phone_context, browser_sign_in):
    ids = build_shop(app)
    with app.test_request_context():
        shop = db.session.get(Shop, ids.shop)
        shirt = db.session.get(Item, ids.shirt)
        factories.make_group(shirt, "Talla", ["M", ("XL", 250)])
        shirt.stock = 4
        order, _ = ordering.checkout(
            shop,
            [(ids.cap, 1)],
            shipping_method_id=ids.delivery,
            customer=Customer(name="Zoë 🌻", address="Calle Mayor 1", phone="+34612345678"),
            idempotency_key=str(uuid.uuid4()),
        )
        db.session.commit()
        order_id, token, owner = order.id, order.token, shop.owner_id
        cap_line = order.lines[0].id
    browser_sign_in(phone_context, owner)
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    page.goto(f"{live_server}/dashboard/orders/{order_id}")
    page.locator("[data-edit-order]").click()
    page.locator(f"#qty-{cap_line}").fill("2")
    page.locator("#pick").select_option(str(ids.shirt))
    page.get_by_role("button", name="Agregar", exact=True).click()
    expect(page.locator("[data-added-row]")).to_have_count(1)
    expect(page.locator(f"#qty-{cap_line}")).to_have_value("2")  # kept across "Add"
    page.locator("[data-added-row] select").select_option(label="XL (+2,50\u00a0€)")
    width, small = page.evaluate(WIDTH)
    assert width <= 360
    assert small == []
    page.get_by_role("button", name="Guardar los cambios").click()

    page.wait_for_url(f"**/dashboard/orders/{order_id}#tell")
    expect(page.locator("#tell-text")).to_contain_text("New total: €42.50")
    expect(page.locator("[data-history-edit]")).to_contain_text("Gorra: 1 → 2")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    with app.app_context():
        fresh = db.session.get(Order, order_id)
        assert [(line.label, line.quantity) for line in fresh.lines] == [
            ("Gorra", 2),
            ("Camiseta azul (Talla: XL)", 1),
        ]
        assert db.session.get(Item, ids.shirt).stock == 3

    page.goto(f"{live_server}/o/{token}")
    expect(page.locator("[data-order-changed]")).to_be_visible()
    expect(page.locator(".grand-total")).to_contain_text("42.50")
    assert errors == []
