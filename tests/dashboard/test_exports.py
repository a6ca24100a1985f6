"""The merchant's downloads: order history and catalog as CSV a spreadsheet opens safely."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime

import pytest

from shop.extensions import db
from shop.models import Availability, Image, ItemPhoto, Shop
from tests import factories

BOM = b"\xef\xbb\xbf"
ORDER_HEADER = [
    "Order number",
    "Date (UTC)",
    "Status",
    "Customer",
    "Customer's WhatsApp (not verified)",
    "Address",
    "Notes",
    "Shipping",
    "Shipping price",
    "Item",
    "Options",
    "Code",
    "Quantity",
    "Unit price",
    "Line total",
    "Order total",
    "Currency",
    "Payment",
    "Payment details",
    "Placed while closed",
    "Paid (UTC)",
    "Paid by",
    "Payment reference",
    "Discount code or name",
    "Order discount",
    "Line discount",
]
CATALOG_HEADER = [
    "ID",
    "Category",
    "Name",
    "Code",
    "Description",
    "Price",
    "Compare-at price",
    "Availability",
    "Service",
    "Photos",
    "Currency",
    "Stock",
    "Options",
    "Stock by variant",
]


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _rows(response) -> list[dict[str, str]]:
    body = response.get_data()
    assert body.startswith(BOM), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(body[len(BOM) :].decode("utf-8"), newline="")))


def _header(response) -> list[str]:
    body = response.get_data()[len(BOM) :].decode("utf-8")
    return next(csv.reader(io.StringIO(body, newline="")))


def test_order_history_has_one_row_per_line(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        order = factories.make_order(
            shop,
            [("Camiseta azul", 2000, 2), ("Gorra", 850, 1)],
            customer_name="Ana Pérez",
            customer_address="Calle Mayor 1\nMadrid",
            customer_notes="Sin prisa 🙂",
            customer_phone="+34612345678",
            created_at=datetime(2030, 3, 1, 9, 30, 5),
        )
        factories.make_order(shop, [("Taza", 1000, 1)], shipping=None, customer_name="Luis")
        db.session.commit()
        number = order.number

    response = client.get("/dashboard/orders.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".csv" in disposition
    assert _header(response) == ORDER_HEADER
    rows = _rows(response)
    assert len(rows) == 3
    first = rows[0]
    assert first == {
        "Order number": str(number),
        "Date (UTC)": "2030-03-01 09:30:05",
        "Status": "New",
        "Customer": "Ana Pérez",
        # Starts with +: neutralised like any cell a spreadsheet could read as a formula.
        "Customer's WhatsApp (not verified)": "'+34612345678",
        "Address": "Calle Mayor 1\nMadrid",
        "Notes": "Sin prisa 🙂",
        "Shipping": "Entrega a domicilio",
        "Shipping price": "3.00",
        "Item": "Camiseta azul",
        "Options": "",
        "Code": "C-1",
        "Quantity": "2",
        "Unit price": "20.00",
        "Line total": "40.00",
        "Order total": "51.50",
        "Currency": "EUR",
        "Payment": "",
        "Payment details": "",
        "Placed while closed": "",
        "Paid (UTC)": "",
        "Paid by": "",
        "Payment reference": "",
        "Discount code or name": "",
        "Order discount": "0.00",
        "Line discount": "0.00",
    }
    assert rows[1]["Item"] == "Gorra"
    assert rows[1]["Order number"] == str(number)
    assert rows[2]["Customer"] == "Luis"
    assert rows[2]["Customer's WhatsApp (not verified)"] == ""
    assert rows[2]["Shipping"] == ""
    assert rows[2]["Shipping price"] == ""
    assert rows[2]["Order total"] == "10.00"


def test_order_history_neutralises_spreadsheet_formulas(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        factories.make_order(
            shop,
            [("@SUM(A1:A9)", 100, 1), ("-2", 100, 1)],
            customer_name='=HYPERLINK("http://evil.example","Ana")',
            customer_address="+1",
            customer_notes="\t=1+1",
            paid_at=datetime(2030, 3, 2, 8, 0),
            paid_method="@cash",
            paid_reference='=HYPERLINK("http://evil.example")',
        )
        db.session.commit()

    rows = _rows(client.get("/dashboard/orders.csv"))

    assert rows[0]["Customer"] == '\'=HYPERLINK("http://evil.example","Ana")'
    assert rows[0]["Address"] == "'+1"
    assert rows[0]["Notes"] == "'\t=1+1"
    assert [row["Item"] for row in rows] == ["'@SUM(A1:A9)", "'-2"]
    assert rows[0]["Unit price"] == "1.00"  # our own numbers are left as numbers
    assert rows[0]["Paid (UTC)"] == "2030-03-02 08:00:00"
    assert rows[0]["Paid by"] == "'@cash"
    assert rows[0]["Payment reference"] == '\'=HYPERLINK("http://evil.example")'


def test_order_history_honours_the_status_filter(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        factories.make_order(shop, customer_name="Nueva")
        factories.make_order(shop, customer_name="Entregada", status="delivered")
        db.session.commit()

    response = client.get("/dashboard/orders.csv?status=delivered")

    assert {row["Customer"] for row in _rows(response)} == {"Entregada"}
    assert {row["Status"] for row in _rows(response)} == {"Delivered"}
    assert "delivered" in response.headers["Content-Disposition"]


def test_order_history_holds_only_this_shops_orders(app, client, shop_id):
    with app.app_context():
        other = factories.make_shop(factories.make_user(name="Bea"))
        factories.make_order(other, customer_name="Cliente Ajeno")
        db.session.commit()

    response = client.get("/dashboard/orders.csv")
    assert response.status_code == 200
    assert _rows(response) == []
    assert _header(response) == ORDER_HEADER


def test_order_history_uses_the_currencys_decimals(app, client, sign_in_as):
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user, currency="KWD")
        factories.make_order(shop, [("Dates", 12345, 2)], shipping=("Pickup", 0))
        db.session.commit()
        user_id = user.id
    sign_in_as(client, user_id)

    row = _rows(client.get("/dashboard/orders.csv"))[0]
    assert (row["Unit price"], row["Line total"], row["Order total"]) == (
        "12.345",
        "24.690",
        "24.690",
    )
    assert row["Shipping price"] == "0.000"


def test_downloads_are_never_cached(client, shop_id):
    for url in ("/dashboard/orders.csv", "/dashboard/catalog.csv"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_downloads_need_sign_in(app):
    anonymous = app.test_client()
    for url in ("/dashboard/orders.csv", "/dashboard/catalog.csv"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def _photo(shop, item, seed: str, position: int = 0) -> str:
    key = hashlib.sha256(seed.encode()).hexdigest()
    image = Image(shop_id=shop.id, key=key, width=1600, height=1200, widths=[320, 640, 1280])
    db.session.add(image)
    item.photos.append(ItemPhoto(image=image, position=position))
    db.session.flush()
    return key


def test_catalog_download_lists_every_item_with_its_photos(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shirts = factories.make_category(shop, "Camisetas", position=0)
        services = factories.make_category(shop, "Servicios", position=1)
        shirt = factories.make_item(
            shop,
            shirts,
            name="Camiseta ñandú",
            code="CAM-1",
            description="Algodón\n100%",
            price_minor=1250,
            compare_at_minor=2000,
        )
        keys = [_photo(shop, shirt, "a"), _photo(shop, shirt, "b", 1)]
        factories.make_item(
            shop, services, name="Arreglo", price_minor=500, is_service=True, position=0
        )
        factories.make_item(shop, shirts, name="Oculto", availability=Availability.HIDDEN)
        factories.make_item(
            shop, None, name="=cmd|' /C calc'!A0", availability=Availability.SOLD_OUT
        )
        other = factories.make_shop(factories.make_user(name="Bea"))
        factories.make_item(other, name="Ajeno")
        db.session.commit()
        shirt_id = shirt.id

    response = client.get("/dashboard/catalog.csv")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert _header(response) == CATALOG_HEADER
    rows = {row["Name"]: row for row in _rows(response)}
    assert set(rows) == {"Camiseta ñandú", "Arreglo", "Oculto", "'=cmd|' /C calc'!A0"}
    shirt_row = rows["Camiseta ñandú"]
    assert shirt_row["ID"] == str(shirt_id)
    assert shirt_row["Category"] == "Camisetas"
    assert shirt_row["Code"] == "CAM-1"
    assert shirt_row["Description"] == "Algodón\n100%"
    assert (shirt_row["Price"], shirt_row["Compare-at price"]) == ("12.50", "20.00")
    assert shirt_row["Availability"] == "Available"
    assert shirt_row["Service"] == "no"
    assert shirt_row["Currency"] == "EUR"
    photos = shirt_row["Photos"].split(",")
    assert len(photos) == 2
    for url, key in zip(photos, keys, strict=True):
        assert url.startswith("http://localhost/")
        assert key in url
    assert rows["Arreglo"]["Service"] == "yes"
    assert rows["Arreglo"]["Compare-at price"] == ""
    assert rows["Arreglo"]["Photos"] == ""
    assert rows["Oculto"]["Availability"] == "Hidden"
    assert rows["'=cmd|' /C calc'!A0"]["Availability"] == "Sold out"
    assert rows["'=cmd|' /C calc'!A0"]["Category"] == ""


def test_catalog_download_carries_stock_and_options(app, client, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shirt = factories.make_item(shop, None, name="Camiseta", stock=12)
        size = factories.make_group(shirt, "Talla", ["S", "M", ("L", 200)], kind="size")
        color = factories.make_group(shirt, "Color", ["azul", "rojo 🔴"], kind="color")
        factories.make_group(
            shirt, "Extras", [("Queso", 100), ("Sin sal", -50)], min_choices=0, max_choices=2
        )
        factories.set_variant_stock(shirt, [size.choices[1], color.choices[0]], 0)
        factories.set_variant_stock(shirt, [size.choices[0], color.choices[1]], 3)
        factories.make_item(shop, None, name="Gorra")
        factories.make_item(shop, None, name="=Formula", stock=0)
        db.session.commit()

    english = {row["Name"]: row for row in _rows(client.get("/dashboard/catalog.csv"))}
    shirt = english["Camiseta"]
    assert shirt["Stock"] == "12"
    assert shirt["Options"] == (
        "Talla: S|M|L (+2.00); Color: azul|rojo 🔴; Extras: Queso (+1.00)|Sin sal (-0.50)"
    )
    assert shirt["Stock by variant"] == "S / rojo 🔴: 3; M / azul: 0"
    assert (english["Gorra"]["Stock"], english["Gorra"]["Options"]) == ("", "")
    assert english["Gorra"]["Stock by variant"] == ""
    assert english["'=Formula"]["Stock"] == "0"

    spanish = client.get("/dashboard/catalog.csv", headers={"Accept-Language": "es"})
    assert _header(spanish)[-3:] == ["Existencias", "Opciones", "Existencias por variante"]
    row = next(row for row in _rows(spanish) if row["Nombre"] == "Camiseta")
    assert row["Opciones"].startswith("Talla: S|M|L (+2,00);")
    assert row["Opciones"].endswith("Queso (+1,00)|Sin sal (-0,50)")
