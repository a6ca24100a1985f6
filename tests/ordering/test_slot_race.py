"""Ten shoppers racing for a slot with two places, through real HTTP on PostgreSQL:
two orders, eight clear refusals (the cart is the browser's, untouched), the slot's
count exactly two (issue 25)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from shop.extensions import db
from shop.models import ShippingMethod, Shop, SlotBooking
from tests.storefront.shopper import build_shop, cart, orders, post_json_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]
SHOPPERS = 10
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_ten_shoppers_two_places(app, live_server):
    ids = build_shop(app)
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        shop.time_zone = "Europe/Madrid"
        shop.opening_hours = {str(day): [["09:00", "14:00"]] for day in range(7)}
        pickup = db.session.get(ShippingMethod, ids.pickup)
        pickup.slots_on, pickup.slot_minutes, pickup.lead_minutes = True, 30, 60
        pickup.slot_capacity = 2
        db.session.commit()
    app.config["CLOCK"] = lambda: NOW
    bodies = [
        cart(
            ids,
            name=f"Shopper {n}",
            shipping_method_id=ids.pickup,
            address="",
            slot="2026-12-02T12:00Z",
        )
        for n in range(SHOPPERS)
    ]
    url = f"{live_server}/s/{ids.slug}/checkout"
    results = post_json_at_once(url, bodies)
    assert sorted(status for status, _body in results) == [200] * 2 + [422] * 8
    refusals = [body for status, body in results if status == 422]
    assert {body["field"] for body in refusals} == {"slot"}
    assert {body["error"] for body in refusals} == {
        "That time has just filled up. Choose another one; your cart is kept."
    }
    placed = orders(app, ids.shop)
    assert len(placed) == 2
    assert {order.slot_at for order in placed} == {datetime(2026, 12, 2, 12, 0)}
    with app.app_context():
        (booking,) = db.session.scalars(db.select(SlotBooking)).all()
        assert booking.taken == 2
