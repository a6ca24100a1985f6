"""The merchant's customers through the real stack: the list, a customer's page with the
WhatsApp button, note and tags, merging, deleting (gone from pages, CSVs and the export,
totals kept), the CSV, and the "returning customer" mark on orders."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Customer, Order, OrderLine, Shop
from tests import factories


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _order(app, shop_id, name="Ana", phone="", **fields) -> int:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        order = factories.make_order(shop, customer_name=name, customer_phone=phone, **fields)
        db.session.commit()
        return order.id


def _customer_of(app, order_id) -> int:
    with app.app_context():
        return db.session.get(Order, order_id).customer_id


def _csrf(client, url) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).text)[1]


def test_the_list_shows_totals_and_searches(app, client, shop_id):
    for _ in range(2):
        _order(app, shop_id, "Zoë 🌻", "+34612345678")
    _order(app, shop_id, "Luis")
    page = client.get("/dashboard/customers").text
    assert "Zoë 🌻" in page
    assert "+34 612 34 56 78" in page
    assert "Luis" in page
    rows = re.findall(r'<tr data-customer="\d+">.*?</tr>', page, re.S)
    assert "Luis" in rows[0]  # the most recent order first
    found = client.get("/dashboard/customers?q=zoë").text
    assert "Zoë 🌻" in found
    assert "Luis" not in found
    assert "No customer matches" in client.get("/dashboard/customers?q=nadie").text
    assert client.get("/dashboard/customers?page=abc").status_code == 200
    assert client.get("/dashboard/customers?q=%00").status_code == 200
    assert client.get("/dashboard/customers?page=999999999999999").status_code == 200


def test_the_list_pages_fifty_at_a_time(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        for n in range(52):
            factories.make_order(shop, customer_name=f"Cliente {n:02d}")
        db.session.commit()
    first = client.get("/dashboard/customers").text
    assert first.count("data-customer=") == 50
    second = client.get("/dashboard/customers?page=2").text
    assert second.count("data-customer=") == 2
    assert "Cliente 00" in second


def test_a_customers_page_has_their_orders_and_a_whatsapp_button(app, client, shop_id):
    first = _order(app, shop_id, "Ana", "+34612345678")
    _order(app, shop_id, "Ana", "+34612345678")
    _order(app, shop_id, "Otra")
    customer_id = _customer_of(app, first)
    page = client.get(f"/dashboard/customers/{customer_id}").text
    assert 'href="https://wa.me/34612345678?text="' in page
    assert page.count("data-order=") == 2
    assert "<dd data-orders>2</dd>" in page
    nameless = _customer_of(app, _order(app, shop_id, "Sin número"))
    assert "wa.me" not in client.get(f"/dashboard/customers/{nameless}").text


def test_note_and_tags_are_saved(app, client, shop_id):
    customer_id = _customer_of(app, _order(app, shop_id, "Ana"))
    url = f"/dashboard/customers/{customer_id}"
    answer = client.post(f"{url}/details", data={"note": "Alergia 🥜", "tags": "vip, VIP, fiel"})
    assert answer.status_code == 303
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert (customer.note, customer.tags) == ("Alergia 🥜", "vip, fiel")
    too_long = client.post(f"{url}/details", data={"note": "x" * 5000, "tags": ""})
    assert too_long.status_code == 303
    with app.app_context():
        assert db.session.get(Customer, customer_id).note == "Alergia 🥜"


def test_merging_by_hand_and_a_double_submit(app, client, shop_id):
    keep = _customer_of(app, _order(app, shop_id, "Ana", "+34612345678"))
    other = _customer_of(app, _order(app, shop_id, "Ana García"))
    assert client.get(f"/dashboard/customers/{keep}?q=%00").status_code == 200
    page = client.get(f"/dashboard/customers/{keep}?q=garcía").text
    assert f'value="{other}"' in page
    for _ in range(2):
        answer = client.post(f"/dashboard/customers/{keep}/merge", data={"other": str(other)})
        assert answer.status_code == 303
    with app.app_context():
        orders = db.session.scalars(select(Order).where(Order.shop_id == shop_id)).all()
        assert {o.customer_id for o in orders} == {keep}
        assert db.session.get(Customer, other).merged_into_id == keep
    listed = client.get("/dashboard/customers").text
    assert listed.count("data-customer=") == 1
    # The merged customer's old page leads to the one kept.
    assert client.get(f"/dashboard/customers/{other}").headers["Location"].endswith(f"/{keep}")
    bad = client.post(f"/dashboard/customers/{keep}/merge", data={"other": "abc"})
    assert bad.status_code == 303


def test_another_shops_customer_cannot_be_merged_in(app, client, shop_id):
    keep = _customer_of(app, _order(app, shop_id, "Ana"))
    with app.app_context():
        other_shop = factories.make_shop(factories.make_user("Eva"))
        theirs = factories.make_order(other_shop, customer_name="Eva")
        db.session.commit()
        theirs_id = theirs.customer_id
    answer = client.post(f"/dashboard/customers/{keep}/merge", data={"other": str(theirs_id)})
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.get(Customer, theirs_id).merged_into_id is None
        assert db.session.get(Order, theirs.id).customer_id == theirs_id


def test_deleting_wipes_personal_data_and_keeps_totals(app, client, shop_id):
    order_id = _order(
        app, shop_id, "=Zoë 🌻", "+34699111222", customer_notes="Portal 3", status="delivered"
    )
    kept_id = _order(app, shop_id, "Luis")
    customer_id = _customer_of(app, order_id)
    with app.app_context():
        before = db.session.get(Order, order_id).total_minor
    refused = client.post(f"/dashboard/customers/{customer_id}/delete", data={})
    assert refused.status_code == 303
    assert _customer_of(app, order_id) == customer_id  # not confirmed: nothing happened
    answer = client.post(f"/dashboard/customers/{customer_id}/delete", data={"confirmed": "y"})
    assert answer.status_code == 303
    again = client.post(f"/dashboard/customers/{customer_id}/delete", data={"confirmed": "y"})
    assert again.status_code == 404  # a double submit: already gone
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert (order.customer_name, order.customer_phone, order.customer_address) == ("", "", "")
        assert (order.customer_notes, order.customer_key, order.customer_id) == ("", "", None)
        assert order.total_minor == before
        assert (
            db.session.scalar(
                select(func.count()).select_from(OrderLine).where(OrderLine.order_id == order_id)
            )
            == 2
        )
        assert db.session.get(Customer, customer_id) is None
        assert db.session.get(Order, kept_id).customer_name == "Luis"
    for url in ("/dashboard/orders", f"/dashboard/orders/{order_id}", "/dashboard/customers"):
        page = client.get(url).text
        assert "Zoë" not in page, url
        assert "699 11 12 22" not in page, url
    for url in ("/dashboard/orders.csv", "/dashboard/customers.csv"):
        text = client.get(url).text
        assert "Zoë" not in text, url
        assert "699111222" not in text, url
    exported = client.post("/dashboard/data/export", data={})
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        for name in archive.namelist():
            if name.endswith((".csv", ".json")):
                text = archive.read(name).decode()
                assert "Zoë" not in text, name
                assert "699111222" not in text, name


def test_the_csv_has_every_customer_with_totals_and_no_formulas(app, client, shop_id):
    _order(app, shop_id, "=HYPERLINK(1)", "+34612345678")
    _order(app, shop_id, "Zoë 🌻")
    answer = client.get("/dashboard/customers.csv")
    assert answer.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Customer number", "Name", "WhatsApp (not verified)", "Orders"]
    names = {row[1]: row for row in rows[1:]}
    assert set(names) == {"'=HYPERLINK(1)", "Zoë 🌻"}
    assert names["Zoë 🌻"][3:6] == ["1", "51.50", "EUR"]  # 2 x 20 + 8.50 + 3 shipping
    assert names["'=HYPERLINK(1)"][2] == "'+34612345678"


def test_customers_are_in_the_export(app, client, shop_id):
    _order(app, shop_id, "Zoë 🌻", "+34612345678")
    exported = client.post("/dashboard/data/export", data={})
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        text = archive.read("customers/customers.csv").decode("utf-8-sig")
        assert "Zoë 🌻" in text
        assert "customers/" in archive.read("README.txt").decode()


def test_orders_carry_the_returning_mark_and_a_link_to_the_customer(app, client, shop_id):
    first = _order(app, shop_id, "Ana", "+34612345678")
    second = _order(app, shop_id, "Ana", "+34 612 345 678".replace(" ", ""))
    customer_id = _customer_of(app, first)
    listed = client.get("/dashboard/orders").text
    rows = dict(re.findall(r'<tr data-order="(\d+)".*?>(.*?)</tr>', listed, re.S))
    assert "data-returning" in rows[str(second)]
    assert "data-returning" not in rows[str(first)]
    assert f"/dashboard/customers/{customer_id}" in rows[str(first)]
    assert "data-returning" in client.get(f"/dashboard/orders/{second}").text
    assert "data-returning" not in client.get(f"/dashboard/orders/{first}").text
