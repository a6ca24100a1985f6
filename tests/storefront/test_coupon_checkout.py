"""A code sent with the cart, through the real route: the order, the WhatsApp text, the
order page, and the merchant's order, slip and CSV all show the same discount."""

from __future__ import annotations

import csv
import io
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Discount, Shop
from shop.ordering.coupon_edits import save_discount
from tests.storefront.shopper import build_shop, orders


@pytest.fixture
def ids(app):
    ids = build_shop(app)
    with app.app_context():
        save_discount(
            db.session.get(Shop, ids.shop), None, code="VERANO10", name="", kind="percent",
            value=1000,
        )  # fmt: skip
        db.session.commit()
    return ids


def _post(client, ids, coupon: object, **extra):
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 2}, {"item_id": ids.cap, "quantity": 1}],
        "shipping_method_id": ids.delivery,
        "name": "Ana",
        "address": "Calle Mayor 1",
        "idempotency_key": uuid.uuid4().hex,
        "coupon": coupon,
    } | extra
    return client.post("/s/tienda-sol/checkout", json=body)


def test_the_discount_is_everywhere_the_money_goes(app, client, ids, sign_in_as):
    response = _post(client, ids, "Verano10")
    assert response.status_code == 200, response.get_json()
    text = parse_qs(urlsplit(response.get_json()["whatsapp_url"]).query)["text"][0]
    assert text.splitlines()[2:6] == [
        "2 x Camiseta azul - €40.00",
        "1 x Gorra - €8.50",
        "Shipping: Entrega a domicilio - €3.00",
        "Discount VERANO10: -€4.85",
    ]
    assert "*Total: €46.65*" in text.splitlines()

    page = client.get(urlsplit(response.get_json()["order_url"]).path).get_data(as_text=True)
    assert "Discount VERANO10" in page
    assert "€4.85" in page
    assert "€46.65" in page

    order = orders(app, ids.shop)[-1]
    with app.app_context():
        owner = db.session.get(Shop, ids.shop).owner_id
    sign_in_as(client, owner)
    for path in (f"/dashboard/orders/{order.id}", f"/dashboard/orders/{order.id}/slip"):
        html = client.get(path).get_data(as_text=True)
        assert "VERANO10" in html, path
        assert "4.85" in html or "4,85" in html, path
    body = client.get("/dashboard/orders.csv").get_data()[3:].decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    columns = ("Discount code or name", "Order discount", "Line discount")
    assert [tuple(row[c] for c in columns) for row in rows] == [
        ("VERANO10", "4.85", "4.00"),
        ("VERANO10", "4.85", "0.85"),
    ]


@pytest.mark.parametrize("coupon", ["NOPE", 12, ["VERANO10"], "x" * 10_000, "<b>VERANO10</b>"])
def test_a_wrong_code_is_refused_with_the_field_named_and_no_order(app, client, ids, coupon):
    response = _post(client, ids, coupon)
    if not isinstance(coupon, str):  # not text: read as no code at all
        assert response.status_code == 200
        assert orders(app, ids.shop)[-1].discount_minor == 0
        return
    assert response.status_code == 422
    assert response.get_json()["field"] == "coupon"
    assert "<b>" not in response.get_json()["error"]
    assert orders(app, ids.shop) == []


def _preview(client, ids, coupon, **extra):
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 2}, {"item_id": ids.cap, "quantity": 1}],
        "shipping_method_id": ids.delivery,
        "coupon": coupon,
    } | extra
    return client.post("/s/tienda-sol/discount", json=body)


def test_the_cart_previews_a_code_without_recording_anything(app, client, ids):
    response = _preview(client, ids, "verano10")
    assert response.status_code == 200
    assert response.get_json() == {
        "label": "VERANO10",
        "code": "VERANO10",
        "discount_minor": 485,
        "total_minor": 4665,
        "shipping_pending": False,
        "free_shipping": False,
    }
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    assert orders(app, ids.shop) == []
    with app.app_context():
        assert db.session.scalars(select(Discount)).one().uses == 0


def test_the_preview_states_an_automatic_discount_and_refuses_a_wrong_code(app, client, ids):
    with app.app_context():
        save_discount(db.session.get(Shop, ids.shop), None, code="", name="Rebajas",
                      kind="percent", value=2000)  # fmt: skip
        db.session.commit()
    assert _preview(client, ids, "").get_json()["label"] == "Rebajas"
    # The better one for the shopper: 20 % beats the typed 10 %.
    assert _preview(client, ids, "VERANO10").get_json()["label"] == "Rebajas"
    wrong = _preview(client, ids, "<img src=x>")
    assert wrong.status_code == 422
    assert wrong.get_json()["field"] == "coupon"
    assert "<img" not in wrong.get_json()["error"]


@pytest.mark.parametrize("body", [[], "text", {"lines": "x"}, {"lines": [1, 2], "coupon": 5}])
def test_the_preview_answers_malformed_bodies_without_an_error_page(client, ids, body):
    response = client.post("/s/tienda-sol/discount", json=body)
    assert response.status_code in (400, 422)
    assert response.is_json


def test_the_preview_refuses_another_site(client, ids):
    response = client.post(
        "/s/tienda-sol/discount",
        json={"lines": [{"item_id": ids.shirt, "quantity": 1}], "coupon": "VERANO10"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 400


def _add(app, ids, **fields) -> None:
    with app.app_context():
        save_discount(db.session.get(Shop, ids.shop), None, **fields)
        db.session.commit()


def test_before_a_method_is_picked_the_items_alone_are_discounted(app, client, ids):
    response = _preview(client, ids, "verano10", shipping_method_id=None)
    assert response.status_code == 200, response.get_json()
    # 10 % of the items (40.00 + 8.50), no shipping yet; then with delivery (3.00).
    assert response.get_json() == {
        "label": "VERANO10",
        "code": "VERANO10",
        "discount_minor": 485,
        "total_minor": 4365,
        "shipping_pending": True,
        "free_shipping": False,
    }
    chosen = _preview(client, ids, "verano10").get_json()
    assert (chosen["total_minor"], chosen["shipping_pending"]) == (4665, False)
    # An empty choice is no choice; a method no longer offered is still refused.
    assert _preview(client, ids, "verano10", shipping_method_id="").get_json()["shipping_pending"]
    retired = _preview(client, ids, "verano10", shipping_method_id=ids.retired)
    assert (retired.status_code, retired.get_json()["field"]) == (422, "shipping")


def test_a_free_shipping_code_says_so_before_a_method_is_picked(app, client, ids):
    _add(app, ids, code="ENVIOGRATIS", name="", kind="free_shipping", value=0)
    before = _preview(client, ids, "enviogratis", shipping_method_id=None).get_json()
    assert before == {
        "label": "ENVIOGRATIS",
        "code": "ENVIOGRATIS",
        "discount_minor": 0,
        "total_minor": 4850,
        "shipping_pending": True,
        "free_shipping": True,
    }
    after = _preview(client, ids, "enviogratis").get_json()
    assert (after["discount_minor"], after["total_minor"]) == (300, 4850)
    assert after["free_shipping"]
    # Pickup costs nothing: the code has nothing left to take, and says why.
    pickup = _preview(client, ids, "enviogratis", shipping_method_id=ids.pickup)
    assert pickup.status_code == 422
    assert pickup.get_json() == {"error": "Your shipping is already free.", "field": "coupon"}


def test_a_cart_of_services_has_no_shipping_to_wait_for(app, client, ids):
    body = {"lines": [{"item_id": ids.service, "quantity": 1}], "coupon": "VERANO10"}
    answer = client.post("/s/tienda-sol/discount", json=body).get_json()
    assert (answer["discount_minor"], answer["shipping_pending"]) == (150, False)


def test_checkout_still_asks_for_a_method(app, client, ids):
    response = _post(client, ids, "VERANO10", shipping_method_id=None)
    assert response.status_code == 422
    assert response.get_json()["field"] == "shipping"
    assert orders(app, ids.shop) == []
