"""Issue 22: "Open WhatsApp" tapped again on an order's page is counted, for the shop
of that order only, and shown on the analytics page and in its CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

from shop.extensions import db
from shop.models import Shop
from tests.analytics.test_collection import PHONE_UA, counts, send
from tests.storefront.shopper import build_shop, orders

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def place_order(client, ids) -> str:
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 1}],
        "shipping_method_id": ids.pickup,
        "name": "Ana 🛍️",
        "idempotency_key": uuid.uuid4().hex,
    }
    assert client.post("/s/tienda-sol/checkout", json=body).status_code == 200


def test_taps_on_an_orders_page_are_counted_and_shown(app, client, sign_in_as):
    app.config["CLOCK"] = lambda: NOW
    ids = build_shop(app)
    place_order(client, ids)
    token = orders(app, ids.shop)[-1].token
    for _ in range(3):
        assert send(client, {"k": "whatsapp_again", "o": token}).status_code == 204
    # Made-up tokens, and a real token sent to another shop's address, change nothing.
    send(client, {"k": "whatsapp_again", "o": "x" * 43})
    send(client, {"k": "whatsapp_again", "o": 5})
    send(client, {"k": "whatsapp_again"})
    assert client.post(
        "/s/otra-tienda/e", data=f'{{"k":"whatsapp_again","o":"{token}"}}',
        content_type="text/plain",
        headers={"Sec-Fetch-Site": "same-origin", "User-Agent": PHONE_UA},
    ).status_code == 204  # fmt: skip
    assert counts(app)[("whatsapp_again", 0)] == 3

    with app.app_context():
        owner = db.session.get(Shop, ids.shop).owner_id
    sign_in_as(client, owner)
    html = client.get("/dashboard/analytics?period=today").get_data(as_text=True)
    assert 'data-figure="whatsapp_again">3 ' in html
    assert "WhatsApp opened again" in html
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/analytics.csv").get_data(True))))
    assert rows[0][-1] == "whatsapp_again"
    assert rows[-1][-1] == "3"


def test_the_order_page_carries_the_script_and_its_button(app, client):
    ids = build_shop(app)
    place_order(client, ids)
    token = orders(app, ids.shop)[-1].token
    html = client.get(f"/o/{token}").get_data(as_text=True)
    assert 'class="button big whatsapp"' in html
    assert "shop-stats" in html
