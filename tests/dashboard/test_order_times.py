"""The merchant's side of pickup and delivery times (issue 25): a method's times page,
and the orders list sorted and filtered by time on the shop's clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from shop.extensions import db
from shop.models import ShippingMethod, Shop
from tests import factories

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Madrid


@pytest.fixture
def shop_id(app, merchant):
    _user, shop_id = merchant
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shop.time_zone = "Europe/Madrid"
        method = factories.make_shipping(shop, name="Recogida", price_minor=0, needs_address=False)
        method.slots_on = True
        for number, (name, slot) in enumerate(
            [("Hoy tarde", datetime(2026, 12, 2, 17)), ("Mañana", datetime(2026, 12, 3, 9)),
             ("Sin hora", None), ("Hoy pronto", datetime(2026, 12, 2, 10)),
             ("Medianoche", datetime(2026, 12, 2, 23, 30))]  # 00:30 on Thursday in Madrid
        ):  # fmt: skip
            factories.make_order(
                shop, customer_name=name, slot_at=slot,
                slot_ends_at=slot and slot.replace(minute=30 if slot.minute == 0 else 59),
                created_at=datetime(2026, 12, 1, 8, number),
            )  # fmt: skip
        db.session.commit()
    app.config["CLOCK"] = lambda: NOW
    return shop_id


def names(page: str) -> list[str]:
    return re.findall(r'<td class="grow">(?:<a [^>]*>)?([^<]+)', page)


def test_orders_sorted_and_filtered_by_time(app, client, shop_id, monkeypatch):
    from shop.dashboard import orders as orders_view

    monkeypatch.setattr(orders_view, "utcnow", lambda: NOW.replace(tzinfo=None))
    page = client.get("/dashboard/orders?sort=time").get_data(as_text=True)
    assert names(page) == ["Hoy pronto", "Hoy tarde", "Medianoche", "Mañana", "Sin hora"]
    today = client.get("/dashboard/orders?when=today").get_data(as_text=True)
    assert names(today) == ["Hoy pronto", "Hoy tarde"]
    tomorrow = client.get("/dashboard/orders?when=tomorrow").get_data(as_text=True)
    assert names(tomorrow) == ["Medianoche", "Mañana"]
    assert "Thu 3 Dec, 00:30" in tomorrow
    newest = client.get("/dashboard/orders?when=yesterday&sort=x").get_data(as_text=True)
    assert names(newest) == ["Medianoche", "Hoy pronto", "Sin hora", "Mañana", "Hoy tarde"]


def test_the_times_page_saves_and_refuses_bad_values(app, client, merchant):
    _user, shop_id = merchant
    with app.app_context():
        method = factories.make_shipping(db.session.get(Shop, shop_id), name="Moto")
        db.session.commit()
        method_id = method.id
    url = f"/dashboard/shipping/{method_id}/times"
    assert client.get(url).status_code == 200
    form = {"slots_on": "y", "slot_minutes": "45", "lead_minutes": "60", "order_by": "18.30",
            "days_ahead": "5", "slot_capacity": "3"}  # fmt: skip
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        saved = db.session.get(ShippingMethod, method_id)
        assert (saved.slots_on, saved.slot_minutes, saved.lead_minutes, saved.order_by,
                saved.days_ahead, saved.slot_capacity) == (True, 45, 60, "18:30", 5, 3)  # fmt: skip
    for bad in ({"slot_minutes": "7"}, {"lead_minutes": "-5"}, {"order_by": "25:00"},
                {"days_ahead": "31"}, {"slot_capacity": "-1"}, {"days_ahead": "🕐"}):  # fmt: skip
        assert client.post(url, data=form | bad).status_code == 422
    other = factories.make_shop
    with app.app_context():
        foreign = factories.make_shipping(other(factories.make_user("Eva"), slug="otra"))
        db.session.commit()
        foreign_id = foreign.id
    assert client.post(f"/dashboard/shipping/{foreign_id}/times", data=form).status_code == 404
