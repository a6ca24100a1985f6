"""Delivery zones in a real phone browser (issue 25), at 360x740 with touch: the
location shared with the browser's geolocation (mocked by Playwright), refused and
replaced by the list, or too far; the final wa.me text checked line by line."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shop.dev.demo import ensure_demo_shop
from shop.extensions import db
from shop.models import Item, Order, ShippingMethod, Shop, ZoneKind
from shop.ordering import zone_edits
from tests.browser.conftest import PHONE
from tests.browser.taps import TapCounter
from tests.browser.test_shopping import WhatsApp

SHOP = (39.469907, -0.376288)  # Valencia, Plaza del Ayuntamiento
ESPRESSO = "Lámina Espresso (A4)"
DALIA = "Lámina Dalia naranja (A4)"


def north_of(origin, metres: float) -> dict:
    return {"latitude": origin[0] + math.degrees(metres / 6371008.8), "longitude": origin[1]}


@pytest.fixture
def demo(app):
    with app.test_request_context():
        shop = ensure_demo_shop()
        zone_edits.set_location(shop, *SHOP)
        delivery = db.session.scalar(
            select(ShippingMethod).where(
                ShippingMethod.shop_id == shop.id, ShippingMethod.needs_address.is_(True)
            )
        )
        delivery.zones.clear()
        db.session.flush()
        save = zone_edits.save_zone
        ruzafa = save(delivery, None, kind=ZoneKind.LIST, name="Ruzafa 🍊", fee_minor=300)
        save(delivery, None, kind=ZoneKind.DISTANCE, max_m=3000, fee_minor=200)
        save(delivery, None, kind=ZoneKind.DISTANCE, max_m=7000, fee_minor=450)
        db.session.commit()
        items = {item.name: item.id for item in db.session.scalars(select(Item))}
        return {
            "id": shop.id,
            "espresso": items[ESPRESSO],
            "dalia": items[DALIA],
            "delivery": delivery.id,
            "ruzafa": ruzafa.id,
        }


def phone(browser, **geolocation):
    """A phone whose browser says it is at `geolocation` (granted), or refuses."""
    options = dict(locale="es-ES", **PHONE)
    if geolocation:
        options |= {"geolocation": geolocation, "permissions": ["geolocation"]}
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    return context


def _to_checkout(page, live_server, demo, taps):
    page.goto(f"{live_server}/s/demo")
    page.locator(f"[data-add][data-item-id='{demo['espresso']}']").tap()
    page.locator(f"[data-add][data-item-id='{demo['dalia']}']").tap()
    expect(page.locator("[data-cart-bar][data-sheet=ready]")).to_have_count(1)
    page.locator("[data-cart-bar]").tap()
    sheet = page.locator("dialog.sheet")
    expect(sheet.locator("[data-checkout]")).to_be_visible()
    page.keyboard.type("Luis")
    sheet.locator(f"label:has(input[value='{demo['delivery']}'])").tap()
    sheet.locator("#address").tap()
    page.keyboard.type("Calle Colón 5")
    return sheet


def _orders(app, shop_id):
    with app.app_context():
        found = db.session.scalars(select(Order).where(Order.shop_id == shop_id)).all()
        db.session.expunge_all()
        return list(found)


NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # Wednesday 11:00 in Valencia


def test_a_shared_location_and_a_chosen_time_reach_the_message(app, live_server, browser, demo):
    with app.app_context():
        shop = db.session.get(Shop, demo["id"])
        shop.time_zone = "Europe/Madrid"
        shop.opening_hours = {str(day): [["10:00", "20:00"]] for day in range(7)}
        delivery = db.session.get(ShippingMethod, demo["delivery"])
        delivery.slots_on, delivery.slot_minutes, delivery.lead_minutes = True, 30, 60
        delivery.slot_capacity = 4
        db.session.commit()
    app.config["CLOCK"] = lambda: NOW
    at = north_of(SHOP, 2900)
    context = phone(browser, **at)
    taps = TapCounter(context)
    whatsapp = WhatsApp(context)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    sheet = _to_checkout(page, live_server, demo, taps)
    block = sheet.locator(f"[data-zone-for='{demo['delivery']}']")
    expect(block.locator("[data-location-status]")).to_have_text("Ubicación compartida.")
    expect(block.locator("[data-zone-note]")).to_have_text("Envío (hasta 3 km): 2,00 €")
    expect(sheet.locator("[data-cart-total]")).to_have_text("32,00 €")
    times = sheet.locator(f"[data-slot-for='{demo['delivery']}'] [data-slot-pick]")
    expect(times).to_have_value("2026-12-02T11:00Z")  # the earliest free time, picked
    times.tap()  # another time: one tap on the list, then the choice
    times.select_option("2026-12-02T11:30Z")
    sheet.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")
    (order,) = _orders(app, demo["id"])
    _number, lines = whatsapp.decoded()
    assert lines == [
        "Hola Tienda Sol, quiero hacer este pedido:",
        "*Pedido #1*",
        "1 x Lámina Espresso (A4) - 15,00\xa0€",
        "1 x Lámina Dalia naranja (A4) - 15,00\xa0€",
        "Envío: Envío a domicilio (24-48 h) (hasta 3 km) - 2,00\xa0€",
        "*Total: 32,00\xa0€*",
        "Hora de entrega: mié 2 dic, 12:30\u201313:00",
        "Nombre: Luis",
        "Dirección: Calle Colón 5",
        f"Ubicación: https://maps.google.com/?q={at['latitude']:.6f},{at['longitude']:.6f}",
        f"Ver pedido: {live_server}/o/{order.token}",
    ]
    assert (order.customer_lat, order.customer_lng) == pytest.approx(
        (at["latitude"], at["longitude"])
    )
    assert order.slot_at == datetime(2026, 12, 2, 11, 30)
    # Two products, the sheet, the method, the address, the order (6, as without zones
    # or times): the location costs no tap of the page's (the browser asks once, when
    # the method is chosen) and another time than the earliest one tap.
    assert taps.count <= 7, taps.log
    print(f"\ntaps: two products, delivery by distance band, another time: {taps.count}")
    assert errors == []
    context.close()


def test_geolocation_refused_falls_back_to_the_list(app, live_server, browser, demo):
    context = phone(browser)  # no permission: the browser refuses
    taps = TapCounter(context)
    whatsapp = WhatsApp(context)
    page = context.new_page()
    sheet = _to_checkout(page, live_server, demo, taps)
    block = sheet.locator(f"[data-zone-for='{demo['delivery']}']")
    expect(block.locator("[data-location-status]")).to_contain_text("Elige tu zona")
    block.locator("[data-zone-pick]").select_option(str(demo["ruzafa"]))
    expect(block.locator("[data-zone-note]")).to_have_text("Envío (Ruzafa 🍊): 3,00 €")
    sheet.locator("[data-order-button]").click()
    page.wait_for_url("https://wa.me/**")
    _number, lines = whatsapp.decoded()
    assert "Envío: Envío a domicilio (24-48 h) (Ruzafa 🍊) - 3,00\xa0€" in lines
    assert not any(line.startswith("Ubicación") for line in lines)
    (order,) = _orders(app, demo["id"])
    assert order.customer_lat is None
    context.close()


def test_too_far_is_told_before_ordering_with_what_works(app, live_server, browser, demo):
    context = phone(browser, **north_of(SHOP, 7100))
    page = context.new_page()
    WhatsApp(context)
    sheet = _to_checkout(page, live_server, demo, TapCounter(context))
    block = sheet.locator(f"[data-zone-for='{demo['delivery']}']")
    expect(block.locator("[data-zone-note]")).to_contain_text("no llega a donde estás")
    sheet.locator("[data-order-button]").click()
    error = sheet.locator("[data-checkout-error]")
    expect(error).to_contain_text("Recogida")
    assert _orders(app, demo["id"]) == []
    context.close()
