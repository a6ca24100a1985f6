"""Import from XLSX and ODS spreadsheets, and the column-mapping step of a plain sheet."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.jobs import drain
from shop.models import Job
from shop.shops.imports import workbook as workbook_module
from tests.dashboard.importing import (
    EN,
    catalog_of,
    confirm_and_run,
    count,
    import_file,
    items_in,
    preview,
    upload,
)
from tests.dashboard.workbooks import ods, xlsx

META_HEADER = [
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "sale_price",
    "link",
    "image_link",
    "brand",
    "item_group_id",
    "size",
    "color",
    "inventory",
]


def meta_row(code, title, price, size="", color="", group="", stock="", sale=""):
    link = f"https://x.example/{code}"
    cells = [code, title, "Fresco", "in stock", "new", price, sale, link, "", "Sol"]
    return [*cells, group, size, color, stock]


def test_metas_xlsx_template_with_variants_and_its_comment_row(app, second):
    rows = [
        META_HEADER,
        ["# Required | A unique content ID for the item"] + [""] * 13,
        meta_row("V-S", "Vestido 🌸", "20.00 EUR", "S", "Azul", "VEST", 1),
        meta_row("V-M", "Vestido 🌸", "20.00 EUR", "M", "Azul", "VEST", 2),
        meta_row("V-L", "Vestido 🌸", "22.00 EUR", "L", "Azul", "VEST", 0),
        meta_row("GOR", "Gorra", 12.5, sale=9.99),
        meta_row("SIN", "Sin precio", ""),
    ]
    other, shop_id = second
    location, page = preview(other, xlsx(rows), "catalog_products.xlsx")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    assert count(page, "created") == 2
    assert count(page, "skipped") == 1
    assert "Row 7 (Sin precio): This product has no price." in page.get_data(as_text=True)
    confirm_and_run(app, other, location)
    items = catalog_of(app, shop_id)["items"]
    dress = items["Vestido 🌸"]
    assert dress["price"] == 2000
    assert dress["groups"] == [
        ("Size", "size", 1, 1, [("S", 0), ("M", 0), ("L", 200)]),
        ("Colour", "color", 1, 1, [("Azul", 0)]),
    ]
    assert dress["variant_stock"] == [("Azul+L", 0), ("Azul+M", 2), ("Azul+S", 1)]
    assert (items["Gorra"]["price"], items["Gorra"]["compare_at"]) == (999, 1250)
    # The same workbook again changes nothing.
    _location, page = preview(other, xlsx(rows), "catalog_products.xlsx")
    assert count(page, "unchanged") == 2


def test_a_plain_spanish_ods_with_numbers_as_numbers(app, another_merchant):
    other, shop_id = another_merchant("Lía", slug="tienda", language="es")
    rows = [
        ["Nombre", "Precio", "Categoría", "Existencias", "Código"],
        ["Camiseta ñandú", 12.5, "Ropa", 4, "CAM-1"],
        ["Taza", 1234, "Cocina", 0, 7],
        ["Vela", "3,20 €", "Casa", "", ""],
    ]
    import_file(app, other, ods(rows), "catalogo.ods")
    items = catalog_of(app, shop_id)["items"]
    assert items["Camiseta ñandú"]["price"] == 1250
    assert items["Camiseta ñandú"]["stock"] == 4
    assert items["Taza"]["price"] == 123400
    assert items["Taza"]["code"] == "7"
    assert items["Vela"]["price"] == 320
    assert catalog_of(app, shop_id)["categories"] == ["Casa", "Cocina", "Ropa"]


def test_a_plain_xlsx_in_english_with_formulas_kept_as_text(app, second):
    rows = [["Name", "Price", "Description"], ["=1+1", "5", "<b>bold</b>"], ["Mug", 7, ""]]
    other, shop_id = second
    import_file(app, other, xlsx(rows), "sheet.xlsx")
    items = catalog_of(app, shop_id)["items"]
    assert items["=1+1"]["description"] == "<b>bold</b>"
    assert items["Mug"]["price"] == 700


def test_an_xlsx_whose_parts_expand_past_the_limit_is_refused_unread(app, second, monkeypatch):
    monkeypatch.setattr(workbook_module, "MAX_PART_BYTES", 1_000_000)
    read = []
    monkeypatch.setattr(
        workbook_module.python_calamine.CalamineWorkbook,
        "from_filelike",
        lambda *args: read.append(1),
        raising=False,
    )
    bomb = xlsx([["Name", "Price"], ["a", 1]], extra={"xl/media/pad.bin": b"\0" * 3_000_000})
    assert len(bomb) < 50_000  # small on the wire, big once expanded
    other, shop_id = second
    _location, page = preview(other, bomb, "bomb.xlsx")
    assert page.status_code == 422
    assert "too large to import once uncompressed" in page.get_data(as_text=True)
    assert read == []  # refused before the reader saw it
    assert items_in(app, shop_id) == 0


def test_an_xlsx_part_that_lies_about_its_size_is_cut_off(app, second, monkeypatch):
    monkeypatch.setattr(workbook_module, "MAX_PART_BYTES", 1_000_000)
    data = xlsx([["Name", "Price"]], extra={"pad.bin": b"\0" * 3_000_000})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("pad.bin")
    # The part says it holds 10 bytes (local and central headers); its stream holds 3 MB.
    lying = data.replace(
        info.file_size.to_bytes(4, "little") + len("pad.bin").to_bytes(2, "little"),
        (10).to_bytes(4, "little") + len("pad.bin").to_bytes(2, "little"),
    )
    other, shop_id = second
    _location, page = preview(other, lying, "liar.xlsx")
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "too large to import" in body or "damaged" in body
    assert items_in(app, shop_id) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (xlsx([["Name", "Price"], ["a", 1]])[:-40], "damaged and cannot be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "protected by a password"),
    ],
    ids=["truncated", "encrypted xlsx"],
)
def test_a_damaged_or_protected_workbook_is_refused_with_a_message(app, second, data, message):
    other, shop_id = second
    response = upload(other, data, "book.xlsx")
    if response.status_code == 303:
        response = other.get(response.headers["Location"], headers=EN)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert items_in(app, shop_id) == 0


def test_an_ods_saved_with_a_password_is_refused_with_a_message(app, second, monkeypatch):
    from tests.dashboard import workbooks

    encrypted = workbooks.ODS_MANIFEST.replace(
        'manifest:media-type="text/xml"/>',
        'manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum="x"/>'
        "</manifest:file-entry>",
    )
    monkeypatch.setattr(workbooks, "ODS_MANIFEST", encrypted)
    other, _shop_id = second
    _location, page = preview(other, ods([["Nombre", "Precio"], ["a", 1]]), "clave.ods")
    assert page.status_code == 422
    assert "protected by a password" in page.get_data(as_text=True)


def test_more_rows_or_columns_than_the_caps_are_refused(app, second, monkeypatch):
    monkeypatch.setattr(workbook_module, "MAX_ROWS", 2)
    monkeypatch.setattr(workbook_module, "MAX_COLUMNS", 3)
    other, _shop_id = second
    _location, page = preview(other, xlsx([["Name", "Price"]] + [["a", 1]] * 3))
    assert page.status_code == 422
    assert "import at most 2 at a time" in page.get_data(as_text=True)
    _location, page = preview(other, xlsx([["Name", "Price", "a", "b"], ["x", 1, 2, 3]]))
    assert page.status_code == 422
    assert "more than 3 columns" in page.get_data(as_text=True)


# -- Mapping the columns ------------------------------------------------------------------


UNKNOWN = "Artículo 🛍️;Importe;Familia;Notas;Artículo 🛍️\nTaza;4,50;Cocina;x;y\nVaso;3;Cocina;;\n"


def mapping_form(page) -> list[tuple[str, str]]:
    """The (header, chosen field) of each column in the preview's mapping step."""
    text = page.get_data(as_text=True)
    rows = re.findall(
        r'<label for="column-\d+">(.*?)</label>.*?<option value="(\w+)" selected', text, re.S
    )
    return [(html.unescape(header), field) for header, field in rows]


def test_unknown_headers_ask_what_each_column_holds_then_import_with_it(app, second):
    other, shop_id = second
    location, page = preview(other, UNKNOWN.encode())
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "choose what each column holds" in body
    assert "Import now" not in body  # nothing to confirm before the columns are known
    assert mapping_form(page) == [  # prefilled by what the headers say
        ("Artículo 🛍️", "name"),
        ("Importe", "ignore"),
        ("Familia", "ignore"),
        ("Notas", "ignore"),
        ("Artículo 🛍️", "ignore"),
    ]
    # Confirming without columns (a crafted post) starts nothing: back to the step.
    response = other.post(location, data={}, headers=EN)
    assert response.headers["Location"].endswith(location)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    choice = ["name", "price", "category", "description", "ignore"]
    response = other.post(location, data={"column": choice, "action": "columns"}, headers=EN)
    assert response.status_code == 303
    page = other.get(location, headers=EN)
    assert count(page, "created") == 2
    assert [field for _header, field in mapping_form(page)] == choice  # kept
    assert items_in(app, shop_id) == 0
    confirm_and_run(app, other, location)
    items = catalog_of(app, shop_id)["items"]
    assert items["Taza"]["price"] == 450
    assert items["Taza"]["category"] == "Cocina"
    assert items["Taza"]["description"] == "x"


def test_a_recognised_sheet_shows_its_guess_and_can_be_corrected(app, second):
    other, shop_id = second
    location, page = preview(other, "Nombre;Precio;Código\nTaza;4;T-1\n".encode())
    assert mapping_form(page) == [("Nombre", "name"), ("Precio", "price"), ("Código", "code")]
    # Import now with the columns changed shows the new preview first, writes nothing.
    changed = ["name", "price", "ignore"]
    response = other.post(location, data={"column": changed, "action": "import"}, headers=EN)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(location)
    assert items_in(app, shop_id) == 0
    page = other.get(location, headers=EN)
    assert [field for _header, field in mapping_form(page)] == changed
    # The same columns again: Import now starts the job.
    response = other.post(location, data={"column": changed, "action": "import"}, headers=EN)
    assert "/dashboard/jobs/" in response.headers["Location"]
    with app.app_context():
        drain()
    assert catalog_of(app, shop_id)["items"]["Taza"]["code"] == ""


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (["name", "name", "ignore", "ignore", "ignore"], "Columns 1 and 2 are both set to"),
        (["name", "ignore", "ignore", "ignore", "ignore"], "Choose the column that holds: Price"),
        (["name", "price"], "Choose what each column holds."),
        (["name", "price", "hack", "ignore", "ignore"], "Choose what each column holds."),
    ],
    ids=["twice", "no price", "too few", "unknown field"],
)
def test_a_wrong_mapping_is_refused_with_a_message_and_nothing_is_lost(
    app, second, choice, message
):
    other, shop_id = second
    location, _page = preview(other, UNKNOWN.encode())
    response = other.post(location, data={"column": choice, "action": "import"}, headers=EN)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert items_in(app, shop_id) == 0
    # The upload is still there: the right mapping imports it.
    good = ["name", "price", "ignore", "ignore", "ignore"]
    other.post(location, data={"column": good, "action": "columns"}, headers=EN)
    confirm_and_run(app, other, location)
    assert set(catalog_of(app, shop_id)["items"]) == {"Taza", "Vaso"}


def test_another_shop_cannot_map_or_see_the_columns_of_an_upload(app, client, full, second):
    other, shop_id = second
    location, _page = preview(other, UNKNOWN.encode())
    choice = ["name", "price", "ignore", "ignore", "ignore"]
    assert client.get(location, headers=EN).status_code == 404
    response = client.post(location, data={"column": choice, "action": "columns"}, headers=EN)
    assert response.status_code == 404
    page = other.get(location, headers=EN)
    assert [field for _header, field in mapping_form(page)] == ["name"] + ["ignore"] * 4
    assert items_in(app, shop_id) == 0
