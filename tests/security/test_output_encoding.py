"""Hostile text comes out inert everywhere it is shown (ASVS V1.2 injection prevention,
V1.3 sanitization, V3.2 unintended content interpretation).

A shop whose every name, description, code, note and address is an attack: markup,
event handlers, ``javascript:`` URLs, template syntax, spreadsheet formulas. Every
page (shop, product, cart, order, dashboard lists and details, share) must show the
text as text and contain nothing that could run; the WhatsApp message must carry it
intact; CSV exports and the Meta feed must neutralise formulas; the sitemap must
stay well-formed XML.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from markupsafe import escape

from shop.extensions import db
from shop.models import Order
from shop.shops.exports import FORMULA_PREFIXES
from tests import factories
from tests.security.hostile import FORMULA, IMG, JS_URL, SCRIPT, TEMPLATE
from tests.security.html import executable_bits

SHOP_NAME = "Sol <b>bold</b> & {{ 7*7 }}"
CATEGORY = f"Cat {IMG}"
ITEMS = {
    "script": SCRIPT,
    "img": IMG,
    "js": JS_URL,
    "template": TEMPLATE,
    "formula": FORMULA,
    "quotes": 'It\'s "quoted" </textarea></title></script><!--',
}
DESCRIPTION = f"{SCRIPT}\n{IMG}\n[click]({JS_URL})\n{TEMPLATE}\n</p><p onclick=alert(1)>"
CODE = '=1+1" onmouseover="alert(1)'
CUSTOMER = {
    "name": f"Ana {SCRIPT}",
    "address": f"=cmd|' /C calc'!A0 {IMG} {JS_URL}",
    "notes": f"{TEMPLATE} {FORMULA} -2+3 @SUM(A1)",
}
# Raw markup that must never reach a page unescaped.
RAW = ["<script>alert", "<img src=x", "<b>bold</b>", "<p onclick", "</textarea></title>"]


@pytest.fixture
def hostile(app, client, sign_in_as):
    """The hostile shop, its merchant signed in, and one order placed through checkout."""
    with app.test_request_context():
        user = factories.make_user(f"Merchant {SCRIPT}")
        shop = factories.make_shop(
            user,
            slug="hostil",
            name=SHOP_NAME,
            description=DESCRIPTION,
            language="en",
            pause_message=IMG,
        )
        category = factories.make_category(shop, CATEGORY)
        items = {
            key: factories.make_item(
                shop, category, name=name, description=DESCRIPTION, code=CODE, price_minor=1000
            ).id
            for key, name in ITEMS.items()
        }
        method = factories.make_shipping(shop, name=f"Envío {SCRIPT}", price_minor=300)
        db.session.commit()
        shop_id, method_id, user_id = shop.id, method.id, user.id
    sign_in_as(client, user_id)
    body = {
        "lines": [{"item_id": item_id, "quantity": 1} for item_id in items.values()],
        "shipping_method_id": method_id,
        "idempotency_key": str(uuid.uuid4()),
        **CUSTOMER,
        "phone": "612 34 56 78",  # kept in E.164: it has no text of its own to escape
    }
    placed = app.test_client().post("/s/hostil/checkout", json=body)
    assert placed.status_code == 200, placed.text
    return {"shop": shop_id, "items": items, "checkout": placed.get_json()}


def pages(hostile) -> list[str]:
    token = urlsplit(hostile["checkout"]["order_url"]).path.rsplit("/", 1)[-1]
    item = hostile["items"]["script"]
    public = [
        "/s/hostil",
        "/s/hostil?q=%3Cscript%3E",
        "/s/hostil/cart",
        f"/o/{token}",
        *(f"/s/hostil/p/{item_id}" for item_id in hostile["items"].values()),
        f"/s/hostil/p/{item}/order",
    ]
    dashboard = [
        "/dashboard",
        "/dashboard/items",
        "/dashboard/items?q=%3Cscript%3E",
        f"/dashboard/items/{item}/edit",
        f"/dashboard/items/{item}/delete",
        "/dashboard/categories",
        "/dashboard/shipping",
        "/dashboard/orders",
        "/dashboard/orders/1",
        "/dashboard/orders/1/slip?size=58",
        "/dashboard/orders/slips?ids=1&size=a4",
        "/dashboard/share",
        "/dashboard/settings",
    ]
    return public + dashboard


def test_every_page_shows_hostile_text_as_text(app, client, hostile):
    with app.app_context():
        order_id = db.session.scalar(db.select(db.func.max(Order.id)))
    for url in pages(hostile):
        url = url.replace("/dashboard/orders/1", f"/dashboard/orders/{order_id}")
        url = url.replace("ids=1&", f"ids={order_id}&")
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.text
        assert executable_bits(html) == [], url
        for raw in RAW:
            assert raw not in html, f"{url}: {raw!r} unescaped"


def test_a_hostile_reason_for_a_cancellation_is_shown_as_text(app, client, hostile):
    with app.app_context():
        order_id = db.session.scalar(db.select(db.func.max(Order.id)))
    reason = f"{SCRIPT} {IMG} {TEMPLATE} </li></ol><p onclick=alert(1)>"
    moved = client.post(
        f"/dashboard/orders/{order_id}/status", data={"status": "cancelled", "note": reason}
    )
    assert moved.status_code == 303
    html = client.get(f"/dashboard/orders/{order_id}").text
    assert executable_bits(html) == []
    for raw in RAW:
        assert raw not in html
    assert str(escape(SCRIPT)) in html


def test_a_hostile_paid_mark_is_shown_as_text(app, client, hostile):
    with app.app_context():
        order = db.session.get(Order, db.session.scalar(db.select(db.func.max(Order.id))))
        order_id, token = order.id, order.token
    text = f"{SCRIPT} {IMG} {TEMPLATE}"
    marked = client.post(
        f"/dashboard/orders/{order_id}/paid", data={"method": text, "reference": text}
    )
    assert marked.status_code == 303
    for url in (
        f"/dashboard/orders/{order_id}",
        "/dashboard/orders",
        f"/o/{token}",
        f"/dashboard/orders/{order_id}/slip",
    ):
        html = client.get(url).text
        assert executable_bits(html) == [], url
        for raw in RAW:
            assert raw not in html, url
    assert str(escape(SCRIPT)) in client.get(f"/dashboard/orders/{order_id}").text


def test_the_shop_and_product_pages_still_show_the_names(client, hostile):
    page = client.get("/s/hostil").text
    assert str(escape(SHOP_NAME)) in page
    for name in ITEMS.values():
        assert str(escape(name)) in page
    product = client.get(f"/s/hostil/p/{hostile['items']['template']}").text
    assert "{{ 7*7 }}" in product  # shown, never evaluated


def test_the_cart_data_round_trips_as_json(client, hostile):
    page = client.get("/s/hostil/cart").text
    found = re.search(r'<script type="application/json" id="catalog-data">(.*?)</script>', page)
    assert found, "the cart page's catalog data block"
    assert "<" not in found.group(1)  # tojson escapes it: the block cannot be closed early
    names = json.dumps(json.loads(found.group(1)), ensure_ascii=False)
    for name in ITEMS.values():
        assert json.dumps(name, ensure_ascii=False)[1:-1] in names


def test_the_whatsapp_message_carries_the_text_intact(hostile):
    url = hostile["checkout"]["whatsapp_url"]
    assert url.startswith("https://wa.me/")
    text = parse_qs(urlsplit(url).query)["text"][0]
    assert SHOP_NAME in text
    for name in ITEMS.values():
        assert name in text
    for value in CUSTOMER.values():
        assert value in text


def csv_rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def assert_no_formula_cells(rows: list[list[str]], where: str) -> None:
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_PREFIXES):
                # Numbers the app writes itself are fine; nothing typed by a person is.
                assert re.fullmatch(r"-?\d+(\.\d+)?", cell), f"{where}: {cell!r}"


@pytest.mark.parametrize("url", ["/dashboard/catalog.csv", "/dashboard/orders.csv"])
def test_csv_exports_neutralise_formulas(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = csv_rows(response.text)
    assert_no_formula_cells(rows, url)
    cells = {cell for row in rows for cell in row}
    assert "'" + FORMULA in cells  # an item's name
    assert "'" + CODE in cells
    if url == "/dashboard/catalog.csv":
        assert SCRIPT in cells  # text is kept as typed, only formulas are defused
    else:
        assert "'" + CUSTOMER["address"] in cells
        assert CUSTOMER["notes"] in cells


def test_meta_feed_neutralises_formulas(client, hostile):
    response = client.get("/s/hostil/catalog.csv")
    assert response.status_code == 200
    rows = csv_rows(response.text)
    assert_no_formula_cells(rows, "feed")
    assert "'" + FORMULA in {cell for row in rows for cell in row}


def test_sitemap_stays_well_formed(client, hostile):
    tree = ElementTree.fromstring(client.get("/sitemap.xml").data)  # noqa: S314 - our own XML
    locations = [element.text for element in tree.iter() if element.tag.endswith("loc")]
    assert "http://localhost/s/hostil" in locations


def test_link_previews_escape_the_shop_text(client, hostile):
    page = client.get("/s/hostil").text
    for tag in re.findall(r"<meta [^>]*>", page):
        assert executable_bits(tag) == []
        assert "<script" not in tag
    assert "og:title" in page


def test_the_qr_code_svg_holds_no_script(client, hostile):
    response = client.get("/dashboard/share/qr.svg")
    assert response.status_code == 200
    assert b"<script" not in response.data
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "html",
    [
        SCRIPT,
        IMG,
        f'<a href="{JS_URL}">x</a>',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<div style="color:red">x</div>',
        '<iframe src="https://evil.example"></iframe>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<form><button formaction="javascript:alert(1)">x</button></form>',
    ],
)
def test_the_page_inspector_finds_injected_code(html):
    """The checks above would pass on a blind inspector: prove it sees each kind."""
    assert executable_bits(f"<p>{html}</p>") != []


def test_the_page_inspector_passes_escaped_text_and_data_blocks():
    page = f'<p>{escape(SCRIPT)}</p><script type="application/json">{{"a": 1}}</script>'
    assert executable_bits(page + '<script src="/static/js/cart.js" defer></script>') == []
