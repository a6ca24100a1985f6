"""Pickup and delivery times (issue 25): slots on the shop's wall clock, across midnight
and daylight-saving changes in Europe/Madrid and America/Santiago, lead time, "order by
18:00 for tomorrow", capacity; and through the real checkout route."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from shop.extensions import db
from shop.models import ShippingMethod, Shop, SlotBooking
from shop.ordering import slots
from shop.ordering.statuses import OrderStatus
from tests.storefront.shopper import build_shop, orders, post_cart

MADRID = "Europe/Madrid"
SANTIAGO = "America/Santiago"


def method(**fields):
    values = {"slots_on": True, "slot_minutes": 60, "lead_minutes": 0, "order_by": "",
              "days_ahead": 1, "slot_capacity": 0}  # fmt: skip
    return SimpleNamespace(**(values | fields))


def local(text: str, zone: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def keys(found) -> list[str]:
    return [slot.key for slot in found]


def test_a_range_past_midnight_gives_slots_on_both_days():
    # Friday 20:00-02:00 in Madrid (winter, UTC+1).
    hours = {"4": [["20:00", "02:00"]]}
    found = slots.slots(method(), hours, MADRID, local("2026-12-04T12:00", MADRID))
    assert keys(found) == [
        "2026-12-04T19:00Z", "2026-12-04T20:00Z", "2026-12-04T21:00Z", "2026-12-04T22:00Z",
        "2026-12-04T23:00Z", "2026-12-05T00:00Z",
    ]  # fmt: skip


def test_madrid_spring_forward_skips_the_hour_that_does_not_exist():
    hours = {"6": [["01:00", "04:00"]]}  # Sunday 29 March 2026: 02:00 becomes 03:00
    found = slots.slots(method(slot_minutes=30), hours, MADRID, local("2026-03-28T12:00", MADRID))
    assert keys(found) == [  # 01:00, 01:30, then 03:00, 03:30 (UTC+2)
        "2026-03-29T00:00Z", "2026-03-29T00:30Z", "2026-03-29T01:00Z", "2026-03-29T01:30Z",
    ]  # fmt: skip


def test_madrid_fall_back_offers_the_repeated_hour_once():
    hours = {"6": [["01:00", "04:00"]]}  # Sunday 25 October 2026: 03:00 becomes 02:00
    found = slots.slots(method(), hours, MADRID, local("2026-10-24T12:00", MADRID))
    assert keys(found) == ["2026-10-24T23:00Z", "2026-10-25T00:00Z", "2026-10-25T02:00Z"]
    assert [s.ends - s.starts for s in found] == [found[0].ends - found[0].starts] * 3


def test_santiago_spring_forward_at_midnight_past_a_late_range():
    # Saturday 5 September 2026 at 24:00 clocks jump to 01:00: Sunday 00:00 never happens.
    hours = {"5": [["22:00", "02:00"]]}
    found = slots.slots(method(), hours, SANTIAGO, local("2026-09-05T12:00", SANTIAGO))
    assert keys(found) == ["2026-09-06T02:00Z", "2026-09-06T03:00Z", "2026-09-06T04:00Z"]


def test_santiago_fall_back_at_midnight():
    # Saturday 4 April 2026 at 24:00 clocks go back to 23:00: 23:00 happens twice.
    hours = {"5": [["22:00", "01:00"]]}
    found = slots.slots(method(), hours, SANTIAGO, local("2026-04-04T12:00", SANTIAGO))
    assert keys(found) == ["2026-04-05T01:00Z", "2026-04-05T02:00Z", "2026-04-05T04:00Z"]


def test_lead_time_and_days_ahead():
    hours = {str(day): [["09:00", "14:00"]] for day in range(7)}
    now = local("2026-12-02T10:05", MADRID)  # Wednesday
    found = slots.slots(method(slot_minutes=30, lead_minutes=120), hours, MADRID, now)
    assert found[0].key == "2026-12-02T11:30Z"  # 12:30 local: the first start after 12:05
    assert found[-1].key == "2026-12-03T12:30Z"  # tomorrow 13:30, the last of day + 1


@pytest.mark.parametrize(
    ("now", "first"), [("17:59", "2026-12-03T08:00Z"), ("18:00", "2026-12-04T08:00Z")]
)
def test_order_by_six_for_tomorrow(now, first):
    hours = {str(day): [["09:00", "14:00"]] for day in range(7)}
    found = slots.slots(
        method(order_by="18:00", days_ahead=3), hours, MADRID, local(f"2026-12-02T{now}", MADRID)
    )
    assert found[0].key == first


def test_full_slots_are_not_offered():
    hours = {"2": [["09:00", "12:00"]]}
    now = local("2026-12-02T07:00", MADRID)
    taken = {datetime(2026, 12, 2, 8, 0): 2, datetime(2026, 12, 2, 9, 0): 1}
    found = slots.slots(method(slot_capacity=2), hours, MADRID, now, taken)
    assert keys(found) == ["2026-12-02T09:00Z", "2026-12-02T10:00Z"]


# -- Through the checkout route ----------------------------------------------------------

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Madrid


@pytest.fixture
def ids(app):
    ids = build_shop(app)
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        shop.time_zone = MADRID
        shop.opening_hours = {str(day): [["09:00", "14:00"]] for day in range(7)}
        pickup = db.session.get(ShippingMethod, ids.pickup)
        pickup.slots_on, pickup.slot_minutes, pickup.lead_minutes = True, 30, 60
        pickup.slot_capacity, pickup.days_ahead = 2, 2
        db.session.commit()
    app.config["CLOCK"] = lambda: NOW
    return ids


def _pickup(client, ids, **fields):
    return post_cart(client, ids, shipping_method_id=ids.pickup, address="", **fields)


def test_a_picked_time_is_on_the_order_and_takes_a_place(app, client, ids):
    assert _pickup(client, ids, slot="2026-12-02T11:00Z").status_code == 200
    (order,) = orders(app, ids.shop)
    assert (order.slot_at, order.slot_ends_at) == (
        datetime(2026, 12, 2, 11),
        datetime(2026, 12, 2, 11, 30),
    )
    with app.app_context():
        booking = db.session.get(SlotBooking, order.slot_booking_id)
        assert booking.taken == 1


@pytest.mark.parametrize(
    "slot",
    [None, "", "2026-12-02T09:00Z", "2026-12-02T11:10Z", "2026-12-09T11:00Z", "tomorrow",
     "2026-12-02T11:00Z' OR 1=1", ["2026-12-02T11:00Z"], 12,
     "\uff12\uff10\uff12\uff16-12-02T11:00Z"],
)  # fmt: skip
def test_a_missing_or_forged_time_is_refused(app, client, ids, slot):
    response = _pickup(client, ids, slot=slot)
    assert response.status_code == 422
    assert response.get_json()["field"] == "slot"
    assert orders(app, ids.shop) == []


def test_a_full_slot_is_refused_with_the_cart_kept_and_cancel_frees_a_place(app, client, ids):
    for _ in range(2):
        assert _pickup(client, ids, slot="2026-12-02T12:00Z").status_code == 200
    full = _pickup(client, ids, slot="2026-12-02T12:00Z")
    assert full.status_code == 422
    assert "filled up" in full.get_json()["error"]
    assert len(orders(app, ids.shop)) == 2
    from shop.ordering import statuses

    with app.test_request_context():
        from shop.models import Order

        first = db.session.scalar(db.select(Order).order_by(Order.id))
        statuses.change_status(first, OrderStatus.CANCELLED)
        db.session.commit()
    assert _pickup(client, ids, slot="2026-12-02T12:00Z").status_code == 200


def test_delivery_without_times_is_unchanged(app, client, ids):
    assert post_cart(client, ids, slot="garbage").status_code == 200
    (order,) = orders(app, ids.shop)
    assert order.slot_at is None


def test_a_time_costs_checkout_at_most_two_statements(app, client, ids):
    from tests.storefront.test_checkout_statements import PLAIN_CART
    from tests.storefront.test_performance import counting

    _pickup(client, ids, slot="2026-12-02T11:00Z")  # a warm app, as under load
    with counting(app) as statements:
        response = _pickup(client, ids, slot="2026-12-02T11:30Z")
    assert response.status_code == 200, response.get_json()
    assert len(statements) <= PLAIN_CART + 2, statements


def test_the_times_the_cart_asks_for(app, client, ids):
    response = client.get(f"/s/tienda-sol/times/{ids.pickup}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    days = response.get_json()["days"]
    assert days[0]["slots"][0] == {"key": "2026-12-02T10:00Z", "label": "11:00\u201311:30"}
    assert len(days) == 3  # today and two days ahead
    for _ in range(2):
        assert _pickup(client, ids, slot="2026-12-02T10:00Z").status_code == 200
    days = client.get(f"/s/tienda-sol/times/{ids.pickup}").get_json()["days"]
    assert days[0]["slots"][0]["key"] == "2026-12-02T10:30Z"  # the full one is gone
    # Delivery has no times; the retired method is off, another shop's is not here.
    assert client.get(f"/s/tienda-sol/times/{ids.delivery}").get_json() == {"days": []}
    for method in (ids.retired, ids.other_method, 2**31 - 1):
        assert client.get(f"/s/tienda-sol/times/{method}").status_code == 404


def test_the_time_is_in_the_message_the_order_page_and_the_slip(app, client, ids):
    from urllib.parse import parse_qs, urlsplit

    body = _pickup(client, ids, slot="2026-12-02T11:00Z").get_json()
    text = parse_qs(urlsplit(body["whatsapp_url"]).query)["text"][0]
    assert "Pickup time: Wed 2 Dec, 12:00\u201312:30" in text.split("\n")
    page = client.get(body["order_url"]).get_data(as_text=True)
    assert "Wed 2 Dec, 12:00\u201312:30" in page


def test_a_reopened_order_takes_its_place_again_or_is_refused_when_full(app, client, ids):
    from shop.models import Order
    from shop.ordering import statuses

    def booked() -> int:
        with app.app_context():
            return db.session.scalar(db.select(SlotBooking.taken))

    for _ in range(2):
        assert _pickup(client, ids, slot="2026-12-02T12:00Z").status_code == 200
    with app.test_request_context():
        first = db.session.scalar(db.select(Order).order_by(Order.id))
        statuses.change_status(first, OrderStatus.CANCELLED)
        db.session.commit()
    assert booked() == 1
    assert _pickup(client, ids, slot="2026-12-02T12:00Z").status_code == 200  # the freed place
    assert booked() == 2
    with app.test_request_context():
        first = db.session.scalar(db.select(Order).order_by(Order.id))
        with pytest.raises(statuses.NotEnoughStock, match="time is full"):
            statuses.change_status(first, OrderStatus.NEW)
        db.session.rollback()
        assert db.session.get(Order, first.id).status == OrderStatus.CANCELLED
    assert booked() == 2  # nothing changed
    with app.test_request_context():
        last = db.session.scalar(db.select(Order).order_by(Order.id.desc()))
        statuses.change_status(last, OrderStatus.CANCELLED)
        first = db.session.scalar(db.select(Order).order_by(Order.id))
        statuses.change_status(first, OrderStatus.NEW)
        db.session.commit()
    assert booked() == 2  # the reopened order has its place back, the cancelled one gave its
