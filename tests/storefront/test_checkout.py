"""Checkout through the real stack: the cart script's JSON and the no-JavaScript form."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from shop import ordering
from shop.extensions import db
from shop.models import Item, Shop
from shop.shops.settings import change_slug
from tests.storefront.shopper import build_shop, cart, next_number, orders, post_cart


@pytest.fixture
def ids(app):
    return build_shop(app)


def _wa_text(url: str) -> str:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/34612345678")
    return parse_qs(parts.query, strict_parsing=True)["text"][0]


def _assert_nothing_recorded(app, ids) -> None:
    assert orders(app, ids.shop) == []
    assert next_number(app, ids.shop) == 1


def test_records_the_order_and_answers_with_the_whatsapp_link(app, client, ids):
    response = post_cart(client, ids, notes="Llamar antes")
    assert response.status_code == 200
    body = response.get_json()
    (order,) = orders(app, ids.shop)
    assert body["number"] == order.number == 1
    assert body["order_url"] == f"http://localhost/o/{order.token}"
    lines = _wa_text(body["whatsapp_url"]).split("\n")
    assert lines[1:] == [
        "*Order #1*",
        "2 x Camiseta azul - €40.00",
        "1 x Gorra - €8.50",
        "Shipping: Entrega a domicilio - €3.00",
        "*Total: €51.50*",
        "Name: Ana",
        "Address: Calle Mayor 1, Madrid",
        "Notes: Llamar antes",
        f"View order: {body['order_url']}",
    ]
    assert [(line.name, line.quantity, line.line_total_minor) for line in order.lines] == [
        ("Camiseta azul", 2, 4000),
        ("Gorra", 1, 850),
    ]
    assert order.total_minor == 5150
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in response.headers


def test_needs_no_csrf_token_and_sets_no_cookie(client, ids):
    response = client.post(
        "/s/tienda-sol/checkout",
        data={
            "item_id": str(ids.shirt),
            "quantity": "1",
            "name": "Ana",
            "shipping_method_id": str(ids.pickup),
            "idempotency_key": str(uuid.uuid4()),
        },
        csrf=False,
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://wa.me/34612345678?text=")
    assert "Set-Cookie" not in response.headers


def test_ignores_prices_totals_and_shops_sent_by_the_browser(app, client, ids):
    body = cart(ids)
    body["lines"] = [
        {"item_id": ids.shirt, "quantity": 2, "price": 1, "unit_price_minor": 1, "name": "Gratis"},
    ]
    body |= {
        "total": 1,
        "total_minor": 1,
        "subtotal_minor": 1,
        "shop_id": ids.other_shop,
        "currency": "JPY",
        "shipping_price_minor": 0,
    }
    response = client.post("/s/tienda-sol/checkout", json=body)
    assert response.status_code == 200
    (order,) = orders(app, ids.shop)
    assert (order.lines[0].name, order.lines[0].unit_price_minor) == ("Camiseta azul", 2000)
    assert (order.subtotal_minor, order.shipping_price_minor, order.total_minor) == (
        4000,
        300,
        4300,
    )
    assert order.currency == "EUR"
    assert orders(app, ids.other_shop) == []
    assert "*Total: €43.00*" in _wa_text(response.get_json()["whatsapp_url"])


REFUSALS = [
    (
        "hidden item",
        lambda ids: {"lines": [{"item_id": ids.hidden, "quantity": 1}]},
        "no longer available",
    ),
    (
        "sold-out item",
        lambda ids: {"lines": [{"item_id": ids.sold_out, "quantity": 1}]},
        "sold out",
    ),
    (
        "deleted item",
        lambda ids: {"lines": [{"item_id": 424242, "quantity": 1}]},
        "no longer available",
    ),
    (
        "another shop's item",
        lambda ids: {"lines": [{"item_id": ids.other_item, "quantity": 1}]},
        "no longer available",
    ),
    ("zero", lambda ids: {"lines": [{"item_id": ids.shirt, "quantity": 0}]}, "from 1 to 999"),
    ("negative", lambda ids: {"lines": [{"item_id": ids.shirt, "quantity": -2}]}, "from 1 to 999"),
    ("fraction", lambda ids: {"lines": [{"item_id": ids.shirt, "quantity": 1.5}]}, "from 1 to 999"),
    ("text", lambda ids: {"lines": [{"item_id": ids.shirt, "quantity": "two"}]}, "from 1 to 999"),
    ("absurd", lambda ids: {"lines": [{"item_id": ids.shirt, "quantity": 1000}]}, "from 1 to 999"),
    ("huge", lambda ids: {"lines": [{"item_id": ids.shirt, "quantity": 10**30}]}, "from 1 to 999"),
    (
        "too many lines",
        lambda ids: {"lines": [{"item_id": ids.shirt, "quantity": 1}] * 101},
        "at most 100 different products",
    ),
    ("empty cart", lambda ids: {"lines": []}, "empty"),
    ("no name", lambda ids: {"name": " "}, "Write your name"),
    ("no shipping", lambda ids: {"shipping_method_id": None}, "how you want to receive"),
    ("retired shipping", lambda ids: {"shipping_method_id": ids.retired}, "no longer offered"),
    (
        "other shop's shipping",
        lambda ids: {"shipping_method_id": ids.other_method},
        "no longer offered",
    ),
    ("no address for delivery", lambda ids: {"address": ""}, "address"),
    ("no key", lambda ids: {"idempotency_key": None}, "Reload"),
]


@pytest.mark.parametrize(("case", "change", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refuses_with_a_message_and_records_nothing(app, client, ids, case, change, message):
    response = client.post("/s/tienda-sol/checkout", json=cart(ids) | change(ids))
    assert response.status_code == 422, case
    assert message in response.get_json()["error"]
    _assert_nothing_recorded(app, ids)


def test_names_the_line_or_field_to_fix(client, ids):
    body = cart(
        ids, lines=[{"item_id": ids.shirt, "quantity": 1}, {"item_id": ids.sold_out, "quantity": 1}]
    )
    assert client.post("/s/tienda-sol/checkout", json=body).get_json()["item_id"] == ids.sold_out
    assert post_cart(client, ids, name="").get_json()["field"] == "name"
    assert post_cart(client, ids, address="").get_json()["field"] == "address"


@pytest.mark.parametrize("payload", ["not json", "[]", '{"lines": "x"}', "null", '{"lines": {}}'])
def test_refuses_unreadable_requests_with_400(app, client, ids, payload):
    response = client.post(
        "/s/tienda-sol/checkout", data=payload, content_type="application/json", csrf=False
    )
    assert response.status_code == 400
    assert "Reload the page" in response.get_json()["error"]
    _assert_nothing_recorded(app, ids)


def test_refuses_huge_requests_before_reading_them(app, client, ids):
    response = post_cart(client, ids, notes="x" * 100_000)
    assert response.status_code == 413
    _assert_nothing_recorded(app, ids)


def test_refuses_a_cart_sent_to_another_shops_link(app, client, ids):
    response = post_cart(client, ids, slug="otra-tienda", shipping_method_id=ids.other_method)
    assert response.status_code == 422
    assert orders(app, ids.other_shop) == []


def test_a_double_submit_creates_one_order_with_the_same_link(app, client, ids):
    body = cart(ids)
    first = client.post("/s/tienda-sol/checkout", json=body)
    second = client.post("/s/tienda-sol/checkout", json=body)
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert len(orders(app, ids.shop)) == 1
    # A new key is a new order.
    assert post_cart(client, ids).get_json()["number"] == 2


def test_a_retried_form_leads_to_the_order_already_placed(app, client, ids):
    form = {
        "item_id": str(ids.cap),
        "quantity": "3",
        "name": "Luis",
        "address": "Sol 3",
        "shipping_method_id": str(ids.delivery),
        "idempotency_key": "k" * 32,
    }
    first = client.post("/s/tienda-sol/checkout", data=form)
    second = client.post("/s/tienda-sol/checkout", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].startswith("https://wa.me/")
    (order,) = orders(app, ids.shop)
    assert second.headers["Location"] == f"http://localhost/o/{order.token}?repeated=1"


def test_a_lost_race_on_the_key_answers_with_the_winning_order(app, client, ids, monkeypatch):
    body = cart(ids)
    winner = client.post("/s/tienda-sol/checkout", json=body).get_json()
    # The second request looks before the first commits: it sees no order with its key.
    real_find = ordering.find_order
    calls = []

    def find_too_early(shop, key):
        calls.append(key)
        return None if len(calls) == 1 else real_find(shop, key)

    monkeypatch.setattr(ordering, "find_order", find_too_early)
    loser = client.post("/s/tienda-sol/checkout", json=body)
    assert loser.status_code == 200
    assert loser.get_json() == winner
    assert len(orders(app, ids.shop)) == 1
    assert next_number(app, ids.shop) == 2  # the loser's number went back with its rollback


def test_another_database_refusal_asks_to_try_again(app, client, ids, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    def refused(*args, **kwargs):
        raise IntegrityError("INSERT INTO order_line ...", {}, Exception("foreign key"))

    monkeypatch.setattr(ordering, "checkout", refused)
    response = post_cart(client, ids)
    assert response.status_code == 422
    assert "changed while you were ordering" in response.get_json()["error"]
    _assert_nothing_recorded(app, ids)


def test_a_paused_shop_says_why_and_records_nothing(app, client, ids):
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        shop.paused, shop.pause_message = True, "Cerrado por vacaciones hasta el lunes"
        db.session.commit()
    response = post_cart(client, ids)
    assert response.status_code == 409
    assert response.get_json()["error"] == "Cerrado por vacaciones hasta el lunes"
    assert response.get_json()["paused"] is True
    form = client.post(
        "/s/tienda-sol/checkout",
        data={
            "item_id": str(ids.shirt),
            "quantity": "1",
            "name": "Ana",
            "shipping_method_id": str(ids.pickup),
            "idempotency_key": "p" * 32,
        },
    )
    assert form.status_code == 409
    assert "Cerrado por vacaciones hasta el lunes" in form.get_data(as_text=True)
    _assert_nothing_recorded(app, ids)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    ],
)
def test_refuses_orders_posted_from_other_sites(app, client, ids, headers):
    response = post_cart(client, ids, headers=headers)
    assert response.status_code == 403
    _assert_nothing_recorded(app, ids)


@pytest.mark.parametrize(
    "headers", [{}, {"Origin": "http://localhost"}, {"Sec-Fetch-Site": "same-origin"}]
)
def test_accepts_orders_from_this_site(client, ids, headers):
    assert post_cart(client, ids, headers=headers).status_code == 200


def test_an_old_link_still_takes_the_order(app, client, ids):
    with app.app_context():
        change_slug(db.session.get(Shop, ids.shop), "sol-nuevo")
        db.session.commit()
    assert post_cart(client, ids, slug="tienda-sol").status_code == 200
    assert len(orders(app, ids.shop)) == 1


def test_a_cart_of_services_needs_no_shipping_or_address(app, client, ids):
    response = post_cart(
        client,
        ids,
        lines=[{"item_id": ids.service, "quantity": 1}],
        shipping_method_id=None,
        address="",
    )
    assert response.status_code == 200
    (order,) = orders(app, ids.shop)
    assert (order.shipping_name, order.total_minor) == ("", 1500)
    assert "Shipping" not in _wa_text(response.get_json()["whatsapp_url"])


def test_strange_but_valid_text_is_stored_and_sent_intact(app, client, ids):
    name = "Zoë & Ana #1 + مرحبا 🎉"
    notes = "¿Envuelto? Sí\n\u05e9\u05dc\u05d5\u05dd 100% ✓ a=b&c"  # Hebrew: shalom
    response = post_cart(client, ids, name=name, notes=notes)
    text = _wa_text(response.get_json()["whatsapp_url"])
    assert f"Name: {name}" in text
    assert f"Notes: {notes}" in text
    (order,) = orders(app, ids.shop)
    assert (order.customer_name, order.customer_notes) == (name, notes)


def test_no_javascript_product_checkout_page(client, ids):
    response = client.get(f"/s/tienda-sol/p/{ids.shirt}/order?quantity=3")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert 'name="quantity" value="3"' in html
    assert f'name="item_id" value="{ids.shirt}"' in html
    assert 'name="idempotency_key" value="' in html
    assert "Entrega a domicilio" in html
    assert "Set-Cookie" not in response.headers
    assert 'name="csrf_token"' not in html


@pytest.mark.parametrize("quantity", ["0", "-4", "abc", "99999", ""])
def test_no_javascript_page_starts_from_one_for_odd_quantities(client, ids, quantity):
    html = client.get(f"/s/tienda-sol/p/{ids.shirt}/order?quantity={quantity}").get_data(
        as_text=True
    )
    assert 'name="quantity" value="1"' in html


@pytest.mark.parametrize("which", ["hidden", "other_item"])
def test_no_javascript_page_hides_hidden_and_foreign_items(client, ids, which):
    assert client.get(f"/s/tienda-sol/p/{getattr(ids, which)}/order").status_code == 404


def test_no_javascript_order_goes_to_whatsapp(app, client, ids):
    response = client.post(
        "/s/tienda-sol/checkout",
        data={
            "item_id": str(ids.shirt),
            "quantity": "2",
            "name": "Ana",
            "shipping_method_id": str(ids.delivery),
            "address": "Calle Mayor 1",
            "notes": "",
            "idempotency_key": "n" * 32,
        },
    )
    assert response.status_code == 303
    assert "2 x Camiseta azul - €40.00" in _wa_text(response.headers["Location"])
    assert len(orders(app, ids.shop)) == 1


def test_no_javascript_errors_show_the_form_again_with_what_was_typed(app, client, ids):
    response = client.post(
        "/s/tienda-sol/checkout",
        data={
            "item_id": str(ids.shirt),
            "quantity": "2",
            "name": "Ana <b>",
            "shipping_method_id": str(ids.delivery),
            "address": "",
            "notes": "Timbre 2º",
            "idempotency_key": "e" * 32,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write the address to deliver to." in html
    assert 'value="Ana &lt;b&gt;"' in html
    assert ">Timbre 2º</textarea>" in html
    assert 'name="idempotency_key" value="' + "e" * 32 in html
    assert f'value="{ids.delivery}" required' in html
    assert "checked" in html
    _assert_nothing_recorded(app, ids)


def test_no_javascript_form_for_an_item_sold_out_meanwhile(app, client, ids):
    with app.app_context():
        db.session.get(Item, ids.shirt).availability = "sold_out"
        db.session.commit()
    response = client.post(
        "/s/tienda-sol/checkout",
        data={
            "item_id": str(ids.shirt),
            "quantity": "1",
            "name": "Ana",
            "shipping_method_id": str(ids.pickup),
            "idempotency_key": "s" * 32,
        },
    )
    assert response.status_code == 422
    assert "sold out" in response.get_data(as_text=True)
    _assert_nothing_recorded(app, ids)
