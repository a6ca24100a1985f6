"""The merchant's Orders pages through the real stack: list, filter, detail, status moves."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Activity, Order, OrderStatus, Shop
from tests import factories


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _make_orders(app, shop_id, *specs):
    """specs: (status, customer name); returns their ids, oldest first."""
    ids = []
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        start = datetime(2030, 3, 1, 10, 0)
        for n, (status, name) in enumerate(specs):
            order = factories.make_order(
                shop, status=status, customer_name=name, created_at=start + timedelta(hours=n)
            )
            ids.append(order.id)
        db.session.commit()
    return ids


def _other_merchants_order(app):
    with app.app_context():
        other = factories.make_shop(factories.make_user(name="Bea"), name="Otra tienda")
        order = factories.make_order(other, customer_name="Cliente Ajeno")
        db.session.commit()
        return order.id


def _status(app, order_id) -> OrderStatus:
    with app.app_context():
        return db.session.get(Order, order_id).status


def _history(app, order_id) -> list[OrderStatus]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Activity.status).where(Activity.order_id == order_id).order_by(Activity.id)
            )
        )


def test_lists_every_order_newest_first_with_totals(app, client, shop_id):
    _make_orders(app, shop_id, ("new", "Ana"), ("confirmed", "Luis"), ("delivered", "Zoë 🌻"))
    other = _other_merchants_order(app)

    page = client.get("/dashboard/orders").get_data(as_text=True)

    assert [int(n) for n in re.findall(r">#(\d+)</a>", page)] == [3, 2, 1]
    assert page.index("Zoë 🌻") < page.index("Luis") < page.index("Ana")
    assert "€51.50" in page  # 2 x 20.00 + 8.50 + 3.00 shipping, in the viewer's (English) style
    assert "Delivered" in page
    assert "Confirmed" in page
    assert "Cliente Ajeno" not in page
    assert f"/dashboard/orders/{other}" not in page


def test_filters_by_status_and_ignores_unknown_filters(app, client, shop_id):
    _make_orders(app, shop_id, ("new", "Ana"), ("confirmed", "Luis"), ("cancelled", "Eva"))

    confirmed = client.get("/dashboard/orders?status=confirmed").get_data(as_text=True)
    assert "Luis" in confirmed
    assert "Ana" not in confirmed
    assert "Eva" not in confirmed

    everything = client.get("/dashboard/orders?status=bogus").get_data(as_text=True)
    assert all(name in everything for name in ("Ana", "Luis", "Eva"))

    none = client.get("/dashboard/orders?status=delivered")
    assert none.status_code == 200
    assert "Ana" not in none.get_data(as_text=True)


def test_pages_through_many_orders(app, client, shop_id):
    _make_orders(app, shop_id, *[("new", f"Cliente {n:02d}") for n in range(1, 53)])

    first = client.get("/dashboard/orders").get_data(as_text=True)
    older = re.search(r'href="([^"]+)" data-older', first)[1].replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)

    assert len(re.findall(r">#\d+</a>", first)) == 50
    assert older == "/dashboard/orders?before=3"  # keyset: below the last number shown
    assert re.findall(r">#(\d+)</a>", second) == ["2", "1"]
    assert "data-older" not in second
    assert "Newest" in second


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999999999", "9999"])
def test_odd_page_numbers_never_fail(app, client, shop_id, page):
    """?page= (the paging before keyset pages, in old links) and ?before= alike."""
    _make_orders(app, shop_id, ("new", "Ana"))
    assert client.get(f"/dashboard/orders?page={page}").status_code == 200
    assert client.get(f"/dashboard/orders?before={page}").status_code == 200


def test_empty_list_invites_to_share(client, shop_id):
    page = client.get("/dashboard/orders").get_data(as_text=True)
    assert "No orders yet" in page
    assert "/dashboard/share" in page


def test_detail_shows_everything_about_the_order(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        order = factories.make_order(
            shop,
            [("Camiseta <azul> & roja", 2000, 2), ("Gorra", 850, 1)],
            customer_name="Ana Pérez",
            customer_address="Calle Mayor 1\n2º B, Madrid",
            customer_notes="Llamar al timbre 🔔",
        )
        db.session.commit()
        order_id, token, number = order.id, order.token, order.number

    response = client.get(f"/dashboard/orders/{order_id}")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert f"Order #{number}" in page
    assert "Camiseta &lt;azul&gt; &amp; roja" in page  # escaped, not raw HTML
    for text in ("C-1", "C-2", "€20.00", "€40.00", "€8.50", "€48.50", "€3.00", "€51.50"):
        assert text in page
    assert "Entrega a domicilio" in page
    assert "Ana Pérez" in page
    assert "Calle Mayor 1\n2º B, Madrid" in page
    assert "Llamar al timbre 🔔" in page
    assert f"http://localhost/o/{token}" in page
    assert "wa.me" not in page  # we have no shopper number: no invented reply link


def test_detail_shows_amounts_in_the_currency_the_order_was_placed_in(app, client, shop_id):
    order_id = _make_orders(app, shop_id, ("new", "Ana"))[0]
    with app.app_context():
        db.session.get(Shop, shop_id).currency = "USD"
        db.session.commit()
    page = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
    assert "€51.50" in page


def test_detail_offers_only_the_allowed_moves(app, client, shop_id):
    new, delivered, cancelled = _make_orders(
        app, shop_id, ("new", "A"), ("delivered", "B"), ("cancelled", "C")
    )

    def buttons(order_id):
        page = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
        return set(re.findall(r'name="status" value="(\w+)"', page))

    assert buttons(new) == {"confirmed", "cancelled"}
    assert buttons(delivered) == set()
    assert buttons(cancelled) == {"new"}


def test_detail_lists_the_history_with_times(app, client, shop_id):
    order_id = _make_orders(app, shop_id, ("confirmed", "Ana"))[0]
    page = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
    history = page[page.index("History") :]
    assert history.index("New") < history.index("Confirmed")
    assert 'datetime="2030-03-01T10:00:00Z"' in history
    assert 'datetime="2030-03-01T10:05:00Z"' in history


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("new", "confirmed"),
        ("new", "cancelled"),
        ("confirmed", "preparing"),
        ("confirmed", "ready"),
        ("confirmed", "delivered"),
        ("confirmed", "cancelled"),
        ("preparing", "ready"),
        ("ready", "delivered"),
        ("ready", "cancelled"),
        ("cancelled", "new"),
    ],
)
def test_moves_an_order_along_and_records_it(app, client, shop_id, start, target):
    order_id = _make_orders(app, shop_id, (start, "Ana"))[0]
    before = _history(app, order_id)

    response = client.post(f"/dashboard/orders/{order_id}/status", data={"status": target})

    assert response.status_code == 303
    # No number to open WhatsApp to: the message to copy, on the order page.
    assert response.headers["Location"].endswith(f"/dashboard/orders/{order_id}#tell")
    assert _status(app, order_id) == OrderStatus(target)
    assert _history(app, order_id) == [*before, OrderStatus(target)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is now" in page


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("new", "delivered"),
        ("new", "new"),
        ("confirmed", "new"),
        ("delivered", "new"),
        ("delivered", "cancelled"),
        ("delivered", "confirmed"),
        ("cancelled", "confirmed"),
        ("cancelled", "delivered"),
        ("new", "preparing"),
        ("ready", "preparing"),
        ("delivered", "ready"),
        ("new", "shipped"),
        ("new", ""),
    ],
)
def test_refuses_a_move_the_rules_forbid(app, client, shop_id, start, target):
    order_id = _make_orders(app, shop_id, (start, "Ana"))[0]
    before = _history(app, order_id)

    response = client.post(
        f"/dashboard/orders/{order_id}/status", data={"status": target}, follow_redirects=True
    )

    assert response.status_code == 200
    assert 'class="alert alert-' in response.get_data(as_text=True)
    assert _status(app, order_id) == OrderStatus(start)
    assert _history(app, order_id) == before


def test_double_click_records_one_change(app, client, shop_id):
    order_id = _make_orders(app, shop_id, ("new", "Ana"))[0]
    url = f"/dashboard/orders/{order_id}/status"

    first = client.post(url, data={"status": "confirmed"})
    second = client.post(url, data={"status": "confirmed"}, follow_redirects=True)

    assert first.status_code == 303
    assert second.status_code == 200
    assert "already confirmed" in second.get_data(as_text=True)
    assert _status(app, order_id) == OrderStatus.CONFIRMED
    assert _history(app, order_id) == [OrderStatus.NEW, OrderStatus.CONFIRMED]


def test_another_merchants_order_is_404_and_untouched(app, client, shop_id):
    other = _other_merchants_order(app)

    assert client.get(f"/dashboard/orders/{other}").status_code == 404
    response = client.post(f"/dashboard/orders/{other}/status", data={"status": "cancelled"})
    assert response.status_code == 404
    assert _status(app, other) == OrderStatus.NEW
    assert _history(app, other) == [OrderStatus.NEW]


def test_unknown_order_is_404(client, shop_id):
    assert client.get("/dashboard/orders/999999").status_code == 404


def test_status_change_needs_the_csrf_token(app, client, shop_id):
    order_id = _make_orders(app, shop_id, ("new", "Ana"))[0]
    response = client.post(
        f"/dashboard/orders/{order_id}/status", data={"status": "confirmed"}, csrf=False
    )
    assert response.status_code == 400
    assert _status(app, order_id) == OrderStatus.NEW


def test_orders_need_sign_in(app):
    anonymous = app.test_client()
    response = anonymous.get("/dashboard/orders")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_merchant_without_shop_goes_to_setup(app, client, sign_in_as):
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        user_id = user.id
    sign_in_as(client, user_id)
    response = client.get("/dashboard/orders")
    assert response.status_code == 302
    assert "/dashboard/setup" in response.headers["Location"]


def test_list_queries_do_not_grow_with_the_orders(app, client, shop_id):
    from sqlalchemy import event

    def queries() -> int:
        statements = []

        def record(*args):
            statements.append(args[2])

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get("/dashboard/orders").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    _make_orders(app, shop_id, ("new", "Ana"))
    few = queries()
    _make_orders(app, shop_id, *[("confirmed", f"C{n}") for n in range(30)])
    assert queries() == few


@pytest.mark.parametrize(
    ("zone", "day", "time", "time_24h"),
    [("America/Mexico_City", "24", "5:30", "17:30"), ("Europe/Madrid", "25", "12:30", "0:30")],
)
def test_dates_are_written_in_the_shops_time_zone(app, client, shop_id, zone, day, time, time_24h):
    """23:30 UTC is the afternoon in Mexico City and already the next day in Madrid."""
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shop.time_zone = zone
        order = factories.make_order(shop, created_at=datetime(2030, 11, 24, 23, 30))
        db.session.commit()
        order_id, token = order.id, order.token
    en = {"Accept-Language": "en"}
    listed = client.get("/dashboard/orders", headers=en).get_data(as_text=True)
    assert re.search(rf"11/{day}/30, {time}\W+[AP]M", listed)
    detail = client.get(f"/dashboard/orders/{order_id}", headers=en).get_data(as_text=True)
    assert re.search(rf"Nov {day}, 2030, {time}:00\W+[AP]M", detail)
    shopper = app.test_client().get(f"/o/{token}").get_data(as_text=True)
    assert f"{day} nov 2030, {time_24h}:00" in shopper  # the shop speaks Spanish


def test_history_says_who_moved_the_order_and_why(app, client, shop_id):
    order_id = _make_orders(app, shop_id, ("new", "Ana"))[0]
    client.post(
        f"/dashboard/orders/{order_id}/status",
        data={"status": "cancelled", "note": "  Nos quedamos sin pan 🍞  "},
    )
    with app.app_context():
        change = db.session.get(Order, order_id).status_changes[-1]
        owner = db.session.get(Shop, shop_id).owner
        assert (change.changed_by_id, change.note) == (owner.id, "Nos quedamos sin pan 🍞")
        name = owner.name
    page = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
    history = page[page.index("History") :]
    assert f"by {name}" in history
    assert "Nos quedamos sin pan 🍞" in history


@pytest.mark.parametrize(
    ("shipping", "ready_button", "ready_badge"),
    [
        (None, "Ready for pickup", "Ready for pickup"),
        (("Moto", 300), "Send it on its way", "On the way"),
    ],
)
def test_ready_reads_by_how_the_order_reaches_the_shopper(
    app, client, shop_id, shipping, ready_button, ready_badge
):
    with app.app_context():
        order = factories.make_order(db.session.get(Shop, shop_id), shipping=shipping)
        db.session.commit()
        order_id = order.id
    client.post(f"/dashboard/orders/{order_id}/status", data={"status": "confirmed"})
    page = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
    assert re.search(rf'value="ready">\s*<button[^>]*>{ready_button}</button>', page)
    client.post(f"/dashboard/orders/{order_id}/status", data={"status": "ready"})
    page = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
    assert f'class="badge status-ready">{ready_badge}</span></h1>' in page
