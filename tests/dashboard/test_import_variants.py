"""Variants of any name come in: Meta's material, pattern and additional_variant_attribute,
WooCommerce attributes, a Vitrina ZIP's variant groups; and a workbook's sheet step and
the column step's sample cells."""

from __future__ import annotations

import html

from sqlalchemy import select

from shop.catalog.options import GroupData, save_group
from shop.extensions import db
from shop.models import Item, OptionKind
from tests.dashboard.importing import (
    EN,
    catalog_of,
    confirm_and_run,
    count,
    export_zip,
    import_file,
    items_in,
    preview,
    upload,
)
from tests.dashboard.workbooks import ods, xlsx_sheets

FEED = (
    "id,item_group_id,title,price,size,material,pattern,additional_variant_attribute,inventory\n"
    "B-1,BOLSO,Bolso 👜,30.00 EUR,,Cuero,Liso,Asa:Larga,2\n"
    "B-2,BOLSO,Bolso 👜,25.00 EUR,,Lona,Liso,Asa:Larga,0\n"
    "V-1,VELA,Vela,5 EUR,,,,Aroma:Vainilla,\n"
    "V-2,VELA,Vela,5 EUR,,,,Aroma:Menta,\n"
    'Z-1,ZAPATO,Zapato,40 EUR,38,Cuero,Liso,"Suela:Goma, Ancho:Normal",\n'
    'Z-2,ZAPATO,Zapato,40 EUR,39,Cuero,Liso,"Suela:Goma, Ancho:Normal",\n'
)


def test_a_meta_feed_with_material_pattern_and_other_variants(app, second):
    other, shop_id = second
    location, page = preview(other, FEED.encode())
    body = html.unescape(page.get_data(as_text=True))
    assert count(page, "created") == 2
    # Five kinds of variant (size, material, pattern and two more): more than three.
    assert "Row 6 (Zapato): It has more than 3 kinds of variant." in body
    confirm_and_run(app, other, location)
    items = catalog_of(app, shop_id)["items"]
    bag = items["Bolso 👜"]
    assert bag["price"] == 2500
    assert bag["code"] == "BOLSO"
    assert bag["variants"] == ["Material", "Pattern", "Asa"]
    assert bag["groups"] == [
        ("Material", "other", 1, 1, [("Cuero", 500), ("Lona", 0)]),
        ("Pattern", "other", 1, 1, [("Liso", 0)]),
        ("Asa", "other", 1, 1, [("Larga", 0)]),
    ]
    assert bag["variant_stock"] == [("Cuero+Larga+Liso", 2), ("Larga+Liso+Lona", 0)]
    assert items["Vela"]["groups"] == [("Aroma", "other", 1, 1, [("Vainilla", 0), ("Menta", 0)])]
    assert items["Vela"]["variants"] == ["Aroma"]
    # The same feed again changes nothing.
    _location, page = preview(other, FEED.encode())
    assert count(page, "unchanged") == 2


def test_a_woocommerce_attribute_of_any_name_is_a_variant_group(app, second):
    text = (
        "ID,Type,SKU,Name,Published,In stock?,Stock,Regular price,Sale price,Categories,"
        "Images,Parent,Attribute 1 name,Attribute 1 value(s),Attribute 2 name,"
        "Attribute 2 value(s)\n"
        '20,variable,VELA,Vela,1,1,,,,Casa,,,Aroma,"Vainilla, Menta",Talla,"S, M"\n'
        "21,variation,VELA-VS,Vela,1,1,3,5,,,,id:20,Aroma,Vainilla,Talla,S\n"
        "22,variation,VELA-MS,Vela,1,1,1,5,,,,id:20,Aroma,Menta,Talla,S\n"
        "23,variation,VELA-VM,Vela,1,1,0,7,,,,id:20,Aroma,Vainilla,Talla,M\n"
    )
    other, shop_id = second
    import_file(app, other, text.encode())
    candle = catalog_of(app, shop_id)["items"]["Vela"]
    assert candle["groups"] == [
        ("Aroma", "other", 1, 1, [("Vainilla", 0), ("Menta", 0)]),
        ("Size", "size", 1, 1, [("S", 0), ("M", 200)]),
    ]
    assert candle["variant_stock"] == [("M+Vainilla", 0), ("Menta+S", 1), ("S+Vainilla", 3)]


def test_a_vitrina_zip_brings_variant_groups_of_any_name_with_their_stock(
    app, client, full, second
):
    with app.test_request_context():
        item = db.session.get(Item, full.items[0])
        save_group(item, GroupData("Material", OptionKind.OTHER, 1, 1, [("Lino", 0)], True))
        save_group(item, GroupData("Extras", OptionKind.OTHER, 0, 1, [("Lazo", 50)], False))
        db.session.commit()
    data = export_zip(client)
    other, shop_id = second
    import_file(app, other, data)
    theirs, ours = catalog_of(app, full.shop), catalog_of(app, shop_id)
    assert ours == theirs
    name = next(n for n, i in ours["items"].items() if "Material" in i["variants"])
    assert "Extras" not in ours["items"][name]["variants"]


def test_a_workbook_with_several_sheets_asks_which_one(app, second):
    data = xlsx_sheets(
        {
            "Notas": [["Precios de 2026"], ["Ver hoja 2"]],
            "Productos 🛍️": [["Nombre", "Precio"], ["Taza", 4], ["Vaso", 2.5]],
            "Vacía": [],
        }
    )
    other, shop_id = second
    location, page = preview(other, data, "catalogo.xlsx")
    body = html.unescape(page.get_data(as_text=True))
    assert "This file has several sheets: choose the one with your products." in body
    assert "Productos 🛍️" in body
    assert "Import now" not in body
    # The merchant picks the products' sheet: its preview, then the import.
    response = other.post(location, data={"action": "sheet", "sheet": "1"}, headers=EN)
    assert response.status_code == 303
    page = other.get(location, headers=EN)
    assert count(page, "created") == 2
    assert 'value="1" selected' in page.get_data(as_text=True)  # it can be changed still
    confirm_and_run(app, other, location)
    assert set(catalog_of(app, shop_id)["items"]) == {"Taza", "Vaso"}


def test_a_sheet_that_is_not_there_is_refused_and_the_upload_kept(app, client, full, second):
    data = ods([["Notas"]], {"Productos": [["Nombre", "Precio"], ["Taza", 4]]})
    other, shop_id = second
    location, _page = preview(other, data, "catalogo.ods")
    for typed in ("7", "-1", "uno", "9" * 400, "\u0661"):  # Arabic-Indic one: a digit, not ASCII
        response = other.post(location, data={"action": "sheet", "sheet": typed}, headers=EN)
        assert response.status_code == 422, typed
        assert "choose one of its sheets" in html.unescape(response.get_data(as_text=True))
    assert client.post(location, data={"action": "sheet", "sheet": "1"}).status_code == 404
    other.post(location, data={"action": "sheet", "sheet": "1"}, headers=EN)
    confirm_and_run(app, other, location)
    assert items_in(app, shop_id) == 1


def test_the_column_step_shows_the_first_rows_under_each_header(app, second):
    text = "Artículo;Importe;Notas\nTaza <b>azul</b>;4,50;frágil\nVaso;2;\nPlato;3;x\nJarra;9;y\n"
    other, _shop_id = second
    _location, page = preview(other, text.encode("utf-8"))
    body = page.get_data(as_text=True)
    cells = body[body.index('class="import-columns"') :]
    assert "Taza &lt;b&gt;azul&lt;/b&gt;" in cells  # escaped, as every cell
    assert "4,50" in cells
    assert "Plato" in cells
    assert "Jarra" not in cells  # three rows are enough to tell
    with app.app_context():
        assert db.session.scalar(select(Item.id)) is None
    assert upload(other, b"", "x.csv").status_code == 422
