"""Ordering rules at checkout, through the real stack: minimum, free shipping, hours
(with app.config["CLOCK"] standing in for the time), payment choice and its snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from shop.extensions import db
from shop.models import ClosedPolicy, PaymentKind, PaymentMethod, ShippingMethod, Shop
from tests.storefront.shopper import build_shop, cart, orders, post_cart

MONDAY_NOON_MADRID = datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
MONDAY_NIGHT_MADRID = datetime(2026, 3, 30, 21, 0, tzinfo=UTC)


@pytest.fixture
def ids(app):
    return build_shop(app)


def _set(app, shop_id, **fields):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        for name, value in fields.items():
            setattr(shop, name, value)
        db.session.commit()


def _payment(
    app,
    shop_id,
    kind=PaymentKind.BANK_TRANSFER,
    name="Transferencia",
    details="IBAN ES12 3456",
    **fields,
):
    with app.app_context():
        method = PaymentMethod(shop_id=shop_id, kind=kind, name=name, details=details, **fields)
        db.session.add(method)
        db.session.commit()
        return method.id


def _wa_text(body) -> str:
    return parse_qs(urlsplit(body["whatsapp_url"]).query)["text"][0]


def _weekdays_hours(app, ids, policy):
    hours = {str(day): [["09:00", "14:00"]] for day in range(5)}
    _set(app, ids.shop, opening_hours=hours, time_zone="Europe/Madrid", closed_policy=policy)


def test_below_minimum_is_refused_with_the_missing_amount(app, client, ids):
    _set(app, ids.shop, min_order_minor=6000)
    response = post_cart(client, ids)  # 48.50 of products
    assert response.status_code == 422
    assert response.get_json()["error"] == (
        "The minimum order is €60.00. Add €11.50 more to order."
    )
    assert orders(app, ids.shop) == []
    lines = [{"item_id": ids.shirt, "quantity": 3}]
    assert post_cart(client, ids, lines=lines).status_code == 200


def test_minimum_ignores_shipping(app, client, ids):
    _set(app, ids.shop, min_order_minor=5000)  # 48.50 + 3.00 shipping is still below
    assert post_cart(client, ids).status_code == 422


def test_minimum_message_in_spanish(app, client, ids):
    _set(app, ids.shop, min_order_minor=6000, language="es")
    error = post_cart(client, ids).get_json()["error"]
    assert error == "El pedido mínimo es de 60,00\xa0€. Añade 11,50\xa0€ más para pedir."


def test_shipping_is_free_from_the_methods_amount(app, client, ids):
    with app.app_context():
        db.session.get(ShippingMethod, ids.delivery).free_above_minor = 4850
        db.session.commit()
    body = post_cart(client, ids).get_json()
    (order,) = orders(app, ids.shop)
    assert (order.shipping_price_minor, order.total_minor) == (0, 4850)
    assert "Shipping: Entrega a domicilio - free" in _wa_text(body)
    cheaper = [{"item_id": ids.shirt, "quantity": 2}]
    post_cart(client, ids, lines=cheaper)
    assert orders(app, ids.shop)[1].shipping_price_minor == 300


def test_closed_shop_refuses_with_when_it_opens(app, client, ids):
    _weekdays_hours(app, ids, ClosedPolicy.REFUSE)
    app.config["CLOCK"] = lambda: MONDAY_NIGHT_MADRID
    response = post_cart(client, ids)
    assert response.status_code == 422
    body = response.get_json()
    assert body["closed"] is True
    assert body["error"] == ("The shop is closed now and takes orders again tomorrow at 09:00.")
    assert orders(app, ids.shop) == []
    app.config["CLOCK"] = lambda: MONDAY_NOON_MADRID
    assert post_cart(client, ids).status_code == 200


def test_closed_shop_with_the_note_policy_takes_the_order_with_the_note(app, client, ids):
    _weekdays_hours(app, ids, ClosedPolicy.NOTE)
    app.config["CLOCK"] = lambda: datetime(2026, 4, 3, 20, 0, tzinfo=UTC)  # Friday 22:00
    body = post_cart(client, ids).get_json()
    (order,) = orders(app, ids.shop)
    note = "The shop is closed now; it will answer Monday at 09:00."
    assert order.closed_note == note
    assert note in _wa_text(body)
    page = client.get(urlsplit(body["order_url"]).path).get_data(as_text=True)
    assert note in page


def test_open_shop_orders_carry_no_note(app, client, ids):
    _weekdays_hours(app, ids, ClosedPolicy.NOTE)
    app.config["CLOCK"] = lambda: MONDAY_NOON_MADRID
    post_cart(client, ids)
    assert orders(app, ids.shop)[0].closed_note == ""


def test_payment_is_required_when_the_shop_offers_some(app, client, ids):
    bank = _payment(app, ids.shop)
    _payment(app, ids.shop, kind=PaymentKind.CASH, name="Retired", details="", active=False)
    response = post_cart(client, ids)
    assert response.status_code == 422
    assert response.get_json()["field"] == "payment"
    for wrong in ["abc", 2**40, True, {"x": 1}]:
        assert post_cart(client, ids, payment_method_id=wrong).status_code == 422
    assert post_cart(client, ids, payment_method_id=bank).status_code == 200


def test_retired_or_other_shops_payment_is_refused(app, client, ids):
    _payment(app, ids.shop)
    retired = _payment(app, ids.shop, kind=PaymentKind.CASH, name="Cash", details="", active=False)
    foreign = _payment(app, ids.other_shop, kind=PaymentKind.CASH, name="Ajeno", details="")
    for method_id in (retired, foreign):
        response = post_cart(client, ids, payment_method_id=method_id)
        assert response.get_json()["error"] == (
            "That payment option is no longer offered. Choose another one."
        )


def test_payment_snapshot_goes_to_message_order_page_and_survives_edits(app, client, ids):
    bank = _payment(app, ids.shop, name="Transferencia 🏦", details="IBAN ES12 3456\nTitular: Sol")
    body = post_cart(client, ids, payment_method_id=bank).get_json()
    with app.app_context():
        method = db.session.get(PaymentMethod, bank)
        method.details = "IBAN XX99 EDITED"
        db.session.commit()
    (order,) = orders(app, ids.shop)
    assert (order.payment_kind, order.payment_name) == ("bank_transfer", "Transferencia 🏦")
    assert order.payment_details == "IBAN ES12 3456\nTitular: Sol"
    assert "Payment: Transferencia 🏦" in _wa_text(body)
    page = client.get(urlsplit(body["order_url"]).path).get_data(as_text=True)
    assert "IBAN ES12 3456" in page
    assert "EDITED" not in page


def test_payment_link_is_a_button_on_the_order_page(app, client, ids):
    link = _payment(
        app, ids.shop, kind=PaymentKind.LINK, name="Pay online", details="https://pay.example/sol"
    )
    body = post_cart(client, ids, payment_method_id=link).get_json()
    page = client.get(urlsplit(body["order_url"]).path).get_data(as_text=True)
    assert 'href="https://pay.example/sol"' in page


def test_a_stored_non_http_link_is_never_a_link(app, client, ids):
    link = _payment(app, ids.shop, kind=PaymentKind.LINK, name="Pay", details="javascript:alert(1)")
    body = post_cart(client, ids, payment_method_id=link).get_json()
    page = client.get(urlsplit(body["order_url"]).path).get_data(as_text=True)
    assert 'href="javascript' not in page


def test_no_javascript_form_offers_payment_and_keeps_the_choice_on_errors(app, client, ids):
    bank = _payment(app, ids.shop)
    _set(app, ids.shop, min_order_minor=10_000)
    page = client.get(f"/s/{ids.slug}/p/{ids.shirt}/order").get_data(as_text=True)
    assert 'name="payment_method_id"' in page
    assert "Minimum order: €100.00" in page
    form = {
        "item_id": ids.shirt,
        "quantity": "1",
        "name": "Ana",
        "shipping_method_id": ids.pickup,
        "payment_method_id": bank,
        "idempotency_key": "k" * 24,
    }
    response = client.post(f"/s/{ids.slug}/checkout", data=form, csrf=False)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Add €80.00 more to order." in text
    assert f'value="{bank}" required checked' in text
    _set(app, ids.shop, min_order_minor=0)
    response = client.post(f"/s/{ids.slug}/checkout", data=form, csrf=False)
    assert response.status_code == 303
    assert orders(app, ids.shop)[0].payment_name == "Transferencia"


def test_cart_page_carries_minimum_free_shipping_and_payments(app, client, ids):
    _payment(app, ids.shop)
    with app.app_context():
        db.session.get(ShippingMethod, ids.delivery).free_above_minor = 5000
        db.session.get(Shop, ids.shop).min_order_minor = 2000
        db.session.commit()
    page = client.get(f"/s/{ids.slug}/cart").get_data(as_text=True)
    assert 'data-min-order="2000"' in page
    assert 'data-free-above="5000"' in page
    assert "Free shipping from €50.00" in page
    assert "How will you pay?" in page


def test_shop_page_carries_hours_not_the_state(app, client, ids):
    _weekdays_hours(app, ids, ClosedPolicy.REFUSE)
    page = client.get(f"/s/{ids.slug}").get_data(as_text=True)
    assert 'id="hours-data"' in page
    assert "Open now" in page  # only inside the JSON phrases
    assert "data-hours-status" in page
    assert "js/shop-hours." in page
    assert "09:00-14:00" in page


def test_changing_rules_changes_the_cached_shop_page(app, client, ids):
    first = client.get(f"/s/{ids.slug}")
    from shop.shops.settings import update_rules

    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        update_rules(
            shop,
            min_order_minor=1000,
            time_zone="Europe/Madrid",
            opening_hours=None,
            closed_policy="refuse",
            greeting_text="",
            closing_text="",
        )
        db.session.commit()
    second = client.get(f"/s/{ids.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert "Minimum order: €10.00" in second.get_data(as_text=True)


def test_merchant_texts_frame_the_message(app, client, ids):
    _set(
        app,
        ids.shop,
        greeting_text="¡Hola {shop}! Pedido {number} 🛍️",
        closing_text="Gracias, {name}",
    )
    body = post_cart(client, ids).get_json()
    lines = _wa_text(body).split("\n")
    assert lines[0] == "¡Hola Tienda Sol! Pedido 1 🛍️"
    assert lines[-1] == "Gracias, Ana"
    assert lines[-2].startswith("View order: ")


def test_double_submit_records_one_order_with_rules(app, client, ids):
    bank = _payment(app, ids.shop)
    body = cart(ids, payment_method_id=bank)
    first = client.post(f"/s/{ids.slug}/checkout", json=body)
    second = client.post(f"/s/{ids.slug}/checkout", json=body)
    assert first.get_json()["number"] == second.get_json()["number"]
    assert len(orders(app, ids.shop)) == 1
