"""Hostile text from issues 6 and 7 comes out inert everywhere (ASVS V1.2, V1.3, V3.2).

Option group and choice names, payment method names, details and links, the greeting
and closing lines, suspension reasons and opening hours: shown as text on every
page (shop, product, cart, order page, dashboard, operator pages), carried intact but
never evaluated in the WhatsApp message (format-string placeholders included), and
neutralised in every CSV (orders, catalog, feed variants, the export ZIP).
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from markupsafe import escape

from shop.extensions import db
from shop.models import Order, PaymentMethod, Shop, User
from tests import factories
from tests.security.hostile import FORMULA, IMG, JS_URL, SCRIPT, TEMPLATE
from tests.security.html import executable_bits
from tests.security.test_output_encoding import RAW, assert_no_formula_cells, csv_rows

GROUP = f"Talla {IMG}"
CHOICES = [FORMULA, SCRIPT]  # a size group: every combination is a feed variant
EXTRAS = f"Extras {TEMPLATE}"
EXTRA = ["@SUM(A1:A9) {{ 7*7 }}", "-2+3 </textarea>"]
PAYMENT_NAME = f"Bizum {SCRIPT}"
PAYMENT_DETAILS = f"{IMG}\n{FORMULA}\n{{{{ 7*7 }}}}"
BAD_LINKS = [JS_URL, " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "//x"]
# Stored as typed by an older version, or straight into the database: never evaluated.
GREETING = "{shop.__class__} {number.__class__.__mro__} {0} {} {shop!r} {total:>99}"
CLOSING = f"Gracias {{name}} {SCRIPT} {{{{ 7*7 }}}}"
CUSTOMER = "{shop.__class__} {total} %(name)s {{ 7*7 }}"
REASON = f"Spam {SCRIPT}\n{IMG}\n{FORMULA}"


@pytest.fixture
def hostile(app, client, sign_in_as):
    """A shop whose options, payments and message lines are attacks, with one order."""
    with app.test_request_context():
        user = factories.make_user(f"Merchant {SCRIPT}")
        shop = factories.make_shop(user, slug="hostil", name="Sol {number} {{x}}", language="en")
        shop.greeting_text, shop.closing_text = GREETING, CLOSING
        shop.update_texts = {"confirmed": GREETING, "cancelled": CLOSING}
        item = factories.make_item(shop, None, name="Gorra", price_minor=1000)
        size = factories.make_group(item, GROUP, CHOICES, kind="size")
        extras = factories.make_group(
            item, EXTRAS, [(EXTRA[0], 150), (EXTRA[1], 0)], min_choices=0, max_choices=2
        )
        factories.set_variant_stock(item, [size.choices[0]], 5)
        method = factories.make_shipping(shop, name="Envío", price_minor=300)
        links = [
            PaymentMethod(shop=shop, kind="link", name=f"Link {n}", details=bad, position=n)
            for n, bad in enumerate(BAD_LINKS)
        ]
        transfer = PaymentMethod(
            shop=shop, kind="bank_transfer", name=PAYMENT_NAME, details=PAYMENT_DETAILS, position=9
        )
        db.session.add_all([*links, transfer])
        db.session.commit()
        ids = {
            "user": user.id,
            "shop": shop.id,
            "item": item.id,
            "choices": [size.choices[0].id, *(c.id for c in extras.choices)],
            "method": method.id,
            "payments": [transfer.id, *(link.id for link in links)],
        }
    sign_in_as(client, ids["user"])
    orders = []
    for payment in ids["payments"]:
        body = {
            "lines": [{"item_id": ids["item"], "quantity": 1, "choices": ids["choices"]}],
            "shipping_method_id": ids["method"],
            "payment_method_id": payment,
            "idempotency_key": str(uuid.uuid4()),
            "name": CUSTOMER,
            "address": "Calle 1",
        }
        placed = app.test_client().post("/s/hostil/checkout", json=body)
        assert placed.status_code == 200, placed.text
        orders.append(placed.get_json())
    return ids | {"orders": orders}


def token(placed: dict) -> str:
    return urlsplit(placed["order_url"]).path.rsplit("/", 1)[-1]


def assert_inert(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    html = response.text
    assert executable_bits(html) == [], url
    for raw in [*RAW, "<img src=x", "</textarea> "]:
        assert raw not in html, f"{url}: {raw!r} unescaped"
    return html


def test_public_pages_show_options_and_payments_as_text(app, client, hostile):
    item = hostile["item"]
    urls = ["/s/hostil", f"/s/hostil/p/{item}", "/s/hostil/cart", f"/s/hostil/p/{item}/order"]
    urls += [f"/o/{token(placed)}" for placed in hostile["orders"]]
    for url in urls:
        assert_inert(app.test_client(), url)
    product = app.test_client().get(f"/s/hostil/p/{item}").text
    for name in [GROUP, *CHOICES, EXTRAS, *EXTRA]:
        assert str(escape(name)) in product
    cart = app.test_client().get("/s/hostil/cart").text
    assert str(escape(PAYMENT_NAME)) in cart


def test_payment_links_that_are_not_http_never_become_links(app, hostile):
    for placed in hostile["orders"]:
        page = app.test_client().get(f"/o/{token(placed)}").text
        hrefs = re.findall(r'<a [^>]*href="([^"]*)"', page)
        for href in hrefs:
            assert not href.strip().lower().startswith(("javascript:", "data:", "//x")), href
        assert "Pay now" not in page


def test_dashboard_and_operator_pages_show_it_as_text(app, client, hostile, sign_in_as):
    with app.app_context():
        order_ids = db.session.scalars(db.select(Order.id).where(Order.shop_id == hostile["shop"]))
        order_ids = list(order_ids)
    urls = [
        "/dashboard",
        f"/dashboard/items/{hostile['item']}/edit",
        "/dashboard/orders",
        *(f"/dashboard/orders/{order_id}" for order_id in order_ids),
        "/dashboard/payments",
        *(f"/dashboard/payments/{payment}/edit" for payment in hostile["payments"]),
        "/dashboard/rules",
        "/dashboard/data",
    ]
    for url in urls:
        assert_inert(client, url)
    edit = client.get(f"/dashboard/items/{hostile['item']}/edit").text
    assert str(escape(CHOICES[1])) in edit  # in the choices textarea, escaped
    # Suspended with a hostile reason: the merchant's and the operator's pages.
    operator = app.test_client()
    with app.app_context():
        olga = factories.make_user("Olga", email="olga@vitrina.example")
        olga.is_operator = True
        db.session.commit()
        olga_id = olga.id
    sign_in_as(operator, olga_id)
    answer = operator.post(f"/operator/shops/{hostile['shop']}/suspend", data={"reason": REASON})
    assert answer.status_code == 303
    for url in ["/operator/", "/operator/?status=suspended", f"/operator/shops/{hostile['shop']}"]:
        html = assert_inert(operator, url)
    assert str(escape(SCRIPT)) in html
    for url in urls:
        assert_inert(client, url)
    page = assert_inert(app.test_client(), "/s/hostil", 403)  # the "unavailable" page
    assert "Spam" not in page  # the reason is for the merchant, never for shoppers


def test_hours_typed_as_attacks_are_echoed_as_text(client, hostile):
    form = {
        "time_zone": "Europe/Madrid",
        "closed_policy": "note",
        "day_0": f"{SCRIPT}-{IMG}",
        "day_1": f"9-{IMG}",
        "day_2": f"{JS_URL}",
        "greeting": "Hola {shop}",
    }
    response = client.post("/dashboard/rules", data=form)
    assert response.status_code == 422
    assert executable_bits(response.text) == []
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text


def test_stored_hours_reach_the_page_as_json_data_only(app, client, hostile):
    with app.app_context():
        shop = db.session.get(Shop, hostile["shop"])
        shop.opening_hours = {"0": [["09:00", "14:00"]], "4": [["20:00", "02:00"]]}
        db.session.commit()
    page = assert_inert(app.test_client(), "/s/hostil")
    found = re.search(r'<script type="application/json" id="hours-data">(.*?)</script>', page)
    assert found
    assert "<" not in found.group(1)
    assert json.loads(found.group(1))


def whatsapp_text(placed: dict) -> str:
    return parse_qs(urlsplit(placed["whatsapp_url"]).query)["text"][0]


def test_the_whatsapp_message_never_evaluates_placeholders(hostile):
    for placed in hostile["orders"]:
        text = whatsapp_text(placed)
        assert "<class" not in text
        assert "'Sol" not in text
        assert text.startswith(GREETING + "\n")  # a stored text we cannot fill: as typed
        # {name} filled once (the customer's own braces kept); {{ }} is a literal brace.
        assert text.endswith(f"Gracias {CUSTOMER} {SCRIPT} {{ 7*7 }}")
        for name in [*CHOICES, *EXTRA, EXTRAS, GROUP]:
            assert name in text
    transfer = whatsapp_text(hostile["orders"][0])
    assert PAYMENT_NAME in transfer


def test_update_texts_reach_the_shopper_as_typed_never_evaluated(app, client, hostile):
    """Stored update texts (hostile) in the wa.me link: unknown placeholders as typed,
    {name} filled once with the shopper's own braces kept, markup left as text."""
    with app.app_context():
        order_id = db.session.scalar(
            db.select(Order.id).where(Order.shop_id == hostile["shop"]).limit(1)
        )
        db.session.get(Order, order_id).customer_phone = "+34600111222"
        db.session.commit()
    moved = client.post(f"/dashboard/orders/{order_id}/status", data={"status": "confirmed"})
    assert moved.status_code == 303
    lines = parse_qs(urlsplit(moved.headers["Location"]).query)["text"][0].split("\n")
    assert lines[1] == GREETING
    cancelled = client.post(f"/dashboard/orders/{order_id}/status", data={"status": "cancelled"})
    lines = parse_qs(urlsplit(cancelled.headers["Location"]).query)["text"][0].split("\n")
    assert lines[1] == f"Gracias {CUSTOMER} {SCRIPT} {{ 7*7 }}"
    assert_inert(client, f"/dashboard/orders/{order_id}")


@pytest.mark.parametrize(
    ("greeting", "expected"),
    [
        ("Hola {shop}, pedido {number}", "Hola Sol {number} {{x}}, pedido 1"),
        ("{name} {total}", None),
        ("{{shop}}", "{shop}"),
    ],
)
def test_placeholders_are_filled_once_with_values_that_are_never_templates(
    app, hostile, greeting, expected
):
    from shop.whatsapp import message as whatsapp

    with app.test_request_context():
        shop = db.session.get(Shop, hostile["shop"])
        shop.greeting_text = greeting
        order = db.session.scalar(db.select(Order).where(Order.shop_id == shop.id).limit(1))
        first = whatsapp.order_message(order, shop, "https://x/o/t").split("\n")[0]
        db.session.rollback()
    if expected is not None:
        assert first == expected
    else:
        assert first.startswith(CUSTOMER + " ")  # the customer's braces stay as typed


@pytest.mark.parametrize("url", ["/dashboard/orders.csv", "/dashboard/catalog.csv"])
def test_csv_exports_neutralise_option_and_payment_text(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200
    rows = csv_rows(response.text)
    assert_no_formula_cells(rows, url)
    text = "\n".join(cell for row in rows for cell in row)
    if url == "/dashboard/orders.csv":
        assert FORMULA in text  # inside the options cell, which starts with the group
        assert PAYMENT_NAME in text


def test_the_feed_neutralises_variant_names(client, hostile):
    response = client.get("/s/hostil/catalog.csv")
    assert response.status_code == 200
    rows = csv_rows(response.text)
    assert len(rows) >= 3  # the header and a row per size
    assert_no_formula_cells(rows, "feed")
    cells = {cell for row in rows for cell in row}
    assert any(FORMULA in cell for cell in cells)


def test_the_export_zip_neutralises_every_csv_and_keeps_json_exact(app, client, hostile):
    response = client.post("/dashboard/data/export", data={})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert any("option_choice" in name for name in names), names
    assert any("payment_method" in name for name in names), names
    seen = set()
    for name in names:
        body = archive.read(name).decode("utf-8") if not name.startswith("photos/") else ""
        if name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
            assert_no_formula_cells(rows, name)
            seen |= {cell for row in rows for cell in row}
        elif name.endswith(".json"):
            seen |= {json.dumps(json.loads(body), ensure_ascii=False)}
    everything = "\n".join(seen)
    for text in [FORMULA, PAYMENT_DETAILS.split("\n")[0], GREETING, CUSTOMER, GROUP]:
        assert text in everything, text
    assert "'" + FORMULA in seen  # a choice's name, as a CSV cell


def test_the_operator_list_does_not_link_hostile_shop_text(app, hostile, sign_in_as):
    with app.app_context():
        user = db.session.get(User, hostile["user"])
        user.is_operator = True
        db.session.commit()
    operator = app.test_client()
    sign_in_as(operator, hostile["user"])
    html = assert_inert(operator, f"/operator/?q={SCRIPT}")
    assert "<script>alert" not in html
