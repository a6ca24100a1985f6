"""The orders list at scale: filters, search by number, name or phone, keyset pages, and
a bounded number of statements per page whatever the number of orders (issue 20)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from shop.extensions import db
from shop.models import Shop
from shop.ordering.paid import mark_paid
from tests import factories

START = datetime(2030, 3, 1, 10, 0)
# Statements the orders list itself sends (the counts the database keeps, the page, the
# shop's payment and shipping methods); the signed-in session costs the same on every
# dashboard page.
LIST_STATEMENTS = 4


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="order-number"[^>]*>#(\d+)</a>', page)]


def _fill(app, shop_id, count: int) -> None:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        for n in range(count):
            order = factories.make_order(
                shop,
                status=("new", "confirmed", "delivered", "cancelled")[n % 4],
                customer_name=("Zoë 🌻", "Luis", "ANA garcía")[n % 3],
                customer_phone=("+34699111222", "", "+34699333444")[n % 3],
                payment_name=("Efectivo", "Bizum")[n % 2],
                created_at=START + timedelta(days=n),
            )
            if n % 5 == 0:
                mark_paid(order, "Efectivo", "", by=shop.owner, now=START)
        db.session.commit()


def test_filters_by_status_paid_method_dates_and_customer(app, client, shop_id):
    _fill(app, shop_id, 12)  # numbers 1..12, one a day from March 1st
    assert _numbers(client.get("/dashboard/orders?status=cancelled").text) == [12, 8, 4]
    assert _numbers(client.get("/dashboard/orders?paid=yes").text) == [11, 6, 1]
    unpaid = _numbers(client.get("/dashboard/orders?paid=no").text)
    assert 4 not in unpaid  # cancelled: nothing to collect
    assert 1 not in unpaid
    assert _numbers(client.get("/dashboard/orders?method=Bizum").text) == [12, 10, 8, 6, 4, 2]
    dates = client.get("/dashboard/orders?since=2030-03-03&until=2030-03-05").text
    assert _numbers(dates) == [5, 4, 3]
    with app.app_context():
        from shop.models import Order

        luis = db.session.query(Order).filter_by(shop_id=shop_id, number=2).one().customer_id
    assert _numbers(client.get(f"/dashboard/orders?customer={luis}").text) == [11, 8, 5, 2]
    both = client.get(f"/dashboard/orders?customer={luis}&status=confirmed&method=Bizum").text
    assert _numbers(both) == [2]


@pytest.mark.parametrize(
    "query",
    ["?status=nope", "?paid=maybe", "?since=2030-13-45", "?until=ayer", "?customer=-1",
     "?customer=99999999999999999999", "?before=abc", "?q=" + "x" * 5000, "?method=%00",
     "?q=%00%E2%80%AE", "?since=%00", "?shipping=abc", "?shipping=-3",
     "?shipping=99999999999999999999", "?shipping=%00"],
)  # fmt: skip
def test_malformed_filters_are_ignored(app, client, shop_id, query):
    _fill(app, shop_id, 3)
    assert client.get(f"/dashboard/orders{query}").status_code == 200


def test_search_by_number_name_or_phone(app, client, shop_id):
    _fill(app, shop_id, 6)
    assert _numbers(client.get("/dashboard/orders?q=5").text) == [5]
    assert _numbers(client.get("/dashboard/orders?q=%235").text) == [5]  # "#5"
    assert _numbers(client.get("/dashboard/orders?q=zoë").text) == [4, 1]
    assert _numbers(client.get("/dashboard/orders?q=García").text) == [6, 3]
    assert _numbers(client.get("/dashboard/orders?q=699 333").text) == [6, 3]
    assert _numbers(client.get("/dashboard/orders?q=%25").text) == []  # % matches itself
    assert "No orders here." in client.get("/dashboard/orders?q=nadie").text


def test_another_shops_customer_filters_to_nothing(app, client, shop_id):
    _fill(app, shop_id, 2)
    with app.app_context():
        other = factories.make_shop(factories.make_user("Eva"))
        theirs = factories.make_order(other, customer_name="Eva")
        db.session.commit()
        theirs_customer = theirs.customer_id
    page = client.get(f"/dashboard/orders?customer={theirs_customer}").text
    assert _numbers(page) == []
    assert "Eva" not in page


def test_keyset_pages_keep_the_filters(app, client, shop_id):
    _fill(app, shop_id, 130)
    seen, url = [], "/dashboard/orders?method=Efectivo"
    while url:
        page = client.get(url).text
        seen += _numbers(page)
        older = re.search(r'href="([^"]+)" data-older', page)
        url = older[1].replace("&amp;", "&") if older else None
        if url:
            assert "method=Efectivo" in url
    assert seen == list(range(129, 0, -2))


def _statements(app, client, url) -> list[str]:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_page_costs_the_same_few_statements_at_any_size(app, client, shop_id):
    _fill(app, shop_id, 3)
    baseline = len(_statements(app, client, "/dashboard/customers/privacy"))  # signed in only
    small = _statements(app, client, "/dashboard/orders?q=zoë&status=new")
    _fill(app, shop_id, 120)
    urls = ["/dashboard/orders", "/dashboard/orders?before=60&paid=no", "/dashboard/orders?q=zoë"]
    for url in urls:
        big = _statements(app, client, url)
        assert len(big) - baseline <= LIST_STATEMENTS, big
        assert len(big) == len(small), url


def test_filters_by_shipping_method_in_the_form_and_the_csv(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        pickup = factories.make_shipping(shop, name="Recogida 🏪", price_minor=0)
        courier = factories.make_shipping(shop, name="Mensajero")
        for n in range(6):
            method = (pickup, courier, None)[n % 3]
            factories.make_order(
                shop,
                status=("new", "confirmed")[n % 2],
                shipping=(method.name, method.price_minor) if method else None,
                created_at=START + timedelta(days=n),
            )
        db.session.commit()
        pickup_id, courier_id = pickup.id, courier.id
    assert _numbers(client.get(f"/dashboard/orders?shipping={pickup_id}").text) == [4, 1]
    assert _numbers(client.get(f"/dashboard/orders?shipping={courier_id}").text) == [5, 2]
    both = client.get(f"/dashboard/orders?shipping={courier_id}&status=confirmed").text
    assert _numbers(both) == [2]
    form = client.get(f"/dashboard/orders?shipping={pickup_id}").text
    assert f'<option value="{pickup_id}" selected>Recogida 🏪</option>' in form
    assert f'<option value="{courier_id}">Mensajero</option>' in form
    csv = client.get(f"/dashboard/orders.csv?shipping={courier_id}").text
    assert "Mensajero" in csv
    assert "Recogida" not in csv


def test_another_shops_shipping_method_filters_to_nothing(app, client, shop_id):
    _fill(app, shop_id, 3)
    with app.app_context():
        other = factories.make_shop(factories.make_user("Eva"), slug="eva")
        theirs = factories.make_shipping(other, name="Entrega a domicilio")  # same name as ours
        factories.make_order(other, customer_name="Eva")
        db.session.commit()
        theirs_id = theirs.id
    page = client.get(f"/dashboard/orders?shipping={theirs_id}").text
    assert _numbers(page) == []
    assert "Eva" not in page
    assert f'value="{theirs_id}"' not in page


def test_the_shipping_filter_pages_by_keyset(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        method = factories.make_shipping(shop, name="Mensajero")
        for n in range(60):
            factories.make_order(shop, shipping=("Mensajero" if n % 2 else "Otro", 300))
        db.session.commit()
        method_id = method.id
    seen, url = [], f"/dashboard/orders?shipping={method_id}"
    while url:
        page = client.get(url).text
        seen += _numbers(page)
        older = re.search(r'href="([^"]+)" data-older', page)
        url = older[1].replace("&amp;", "&") if older else None
        if url:
            assert f"shipping={method_id}" in url
    assert seen == list(range(60, 0, -2))
