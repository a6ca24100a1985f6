"""Paid or not through the real stack: marking, unmarking, double submits and stale tabs,
the unpaid filter, and the shopper's page that follows."""

from __future__ import annotations

import re
from html import unescape

import pytest

from shop.extensions import db
from shop.models import Order, Shop
from tests import factories


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _order(app, shop_id, **fields) -> int:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        order = factories.make_order(shop, payment_name="Transferencia", **fields)
        db.session.commit()
        return order.id


def _paid(app, order_id) -> tuple:
    with app.app_context():
        order = db.session.get(Order, order_id)
        return order.paid_at, order.paid_method, order.paid_reference, order.paid_by_id


def _seen(page: str) -> str:
    return unescape(re.search(r'name="seen" value="([^"]+)"', page).group(1))


def test_marks_an_order_paid_with_method_reference_and_who(app, client, merchant, shop_id):
    order_id = _order(app, shop_id)
    page = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
    assert "Not paid yet" in page
    assert 'value="Transferencia"' in page  # the shopper's pick is the default

    response = client.post(
        f"/dashboard/orders/{order_id}/paid",
        data={"method": "  Bizum 💸 ", "reference": "TRF-0042\u202e"},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "is marked paid" in page
    paid_at, method, reference, by = _paid(app, order_id)
    assert paid_at is not None
    assert (method, reference, by) == ("Bizum 💸", "TRF-0042", merchant[0])
    assert "Reference: TRF-0042" in page
    assert "Mark as unpaid" in page


def test_a_double_submit_marks_once_and_says_so(app, client, shop_id):
    order_id = _order(app, shop_id)
    client.post(f"/dashboard/orders/{order_id}/paid", data={"method": "Efectivo"})
    first = _paid(app, order_id)

    response = client.post(
        f"/dashboard/orders/{order_id}/paid",
        data={"method": "Otra cosa", "reference": "X"},
        follow_redirects=True,
    )

    assert "already marked paid" in response.get_data(as_text=True)
    assert _paid(app, order_id) == first


def test_empty_method_falls_back_to_the_shoppers_pick_and_huge_input_is_cut(app, client, shop_id):
    order_id = _order(app, shop_id)
    client.post(
        f"/dashboard/orders/{order_id}/paid", data={"method": "", "reference": "9" * 10_000}
    )
    _at, method, reference, _by = _paid(app, order_id)
    assert method == "Transferencia"
    assert reference == "9" * 120


def test_unpaid_again_only_undoes_the_mark_this_tab_saw(app, client, shop_id):
    order_id = _order(app, shop_id)
    client.post(f"/dashboard/orders/{order_id}/paid", data={"method": "Efectivo"})
    seen = _seen(client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True))
    # Another tab unmarks it and marks it paid again, with another reference.
    assert (
        client.post(f"/dashboard/orders/{order_id}/unpaid", data={"seen": seen}).status_code == 303
    )
    assert _paid(app, order_id)[0] is None
    client.post(f"/dashboard/orders/{order_id}/paid", data={"method": "Bizum", "reference": "B-1"})

    # This tab still shows the first mark: its "unpaid" must not undo the new one.
    response = client.post(
        f"/dashboard/orders/{order_id}/unpaid", data={"seen": seen}, follow_redirects=True
    )

    assert "payment changed meanwhile" in response.get_data(as_text=True)
    assert _paid(app, order_id)[1:3] == ("Bizum", "B-1")


def test_unpaid_twice_says_already_unpaid(app, client, shop_id):
    order_id = _order(app, shop_id)
    client.post(f"/dashboard/orders/{order_id}/paid", data={"method": "Efectivo"})
    seen = _seen(client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True))
    client.post(f"/dashboard/orders/{order_id}/unpaid", data={"seen": seen})
    for seen_value in (seen, "not-a-date", ""):
        response = client.post(
            f"/dashboard/orders/{order_id}/unpaid",
            data={"seen": seen_value},
            follow_redirects=True,
        )
        assert "already marked unpaid" in response.get_data(as_text=True)
    assert _paid(app, order_id) == (None, "", "", None)


def test_another_shops_order_is_a_404_and_stays_unpaid(app, client, shop_id):
    with app.app_context():
        other = factories.make_shop(factories.make_user(name="Bea"), name="Otra")
        order = factories.make_order(other)
        db.session.commit()
        other_id = order.id
    assert (
        client.post(f"/dashboard/orders/{other_id}/paid", data={"method": "x"}).status_code == 404
    )
    assert client.post(f"/dashboard/orders/{other_id}/unpaid", data={"seen": ""}).status_code == 404
    assert _paid(app, other_id)[0] is None


def test_the_list_filters_unpaid_orders(app, client, shop_id):
    unpaid = _order(app, shop_id, customer_name="Debe")
    paid = _order(app, shop_id, customer_name="Pagó")
    _order(app, shop_id, customer_name="Anulado", status="cancelled")
    client.post(f"/dashboard/orders/{paid}/paid", data={"method": "Efectivo"})

    page = client.get("/dashboard/orders?paid=no").get_data(as_text=True)

    assert "Debe" in page
    assert "Pagó" not in page
    assert "Anulado" not in page
    assert re.search(r"Unpaid <span class=\"count\">1</span>", page)
    everything = client.get("/dashboard/orders").get_data(as_text=True)
    assert "Pagó" in everything
    assert 'class="badge paid"' in everything
    rows = client.get("/dashboard/orders.csv?paid=no")
    assert "Debe" in rows.get_data(as_text=True)
    assert "Pagó" not in rows.get_data(as_text=True)
    assert "unpaid" in rows.headers["Content-Disposition"]
    assert unpaid


def test_the_shoppers_page_says_paid_and_its_etag_moves(app, client, shop_id):
    order_id = _order(app, shop_id)
    with app.app_context():
        token = db.session.get(Order, order_id).token
    before = client.get(f"/o/{token}")
    assert before.status_code == 200
    assert "data-paid" not in before.get_data(as_text=True)
    etag = before.headers["ETag"]
    assert client.get(f"/o/{token}", headers={"If-None-Match": etag}).status_code == 304

    client.post(f"/dashboard/orders/{order_id}/paid", data={"method": "Efectivo"})

    after = client.get(f"/o/{token}", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert "data-paid" in after.get_data(as_text=True)
    assert after.headers["ETag"] != etag
