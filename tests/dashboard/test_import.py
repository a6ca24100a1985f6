"""Import a catalog: a Vitrina export ZIP, previewed, confirmed, written by a job."""

from __future__ import annotations

import html
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.jobs import drain
from shop.models import Image, Item, Job, JobState
from shop.shops.imports import source as source_module
from shop.shops.imports import writing as writing_module
from tests.dashboard.importing import (
    EN,
    IMPORT,
    catalog_of,
    confirm,
    confirm_and_run,
    count,
    export_zip,
    import_file,
    items_in,
    preview,
    upload,
)


def test_round_trip_preview_then_confirm_then_the_same_catalog(app, client, full, second):
    data = export_zip(client)
    other, shop_id = second
    location, page = preview(other, data)
    assert page.status_code == 200
    assert count(page, "created") == 2
    assert count(page, "updated") == 0
    assert count(page, "categories") == 2
    assert count(page, "shipping") == 2
    assert "Camiseta ☀️ azul" in page.get_data(as_text=True)
    assert items_in(app, shop_id) == 0  # nothing is written before the merchant confirms
    job_page = confirm_and_run(app, other, location)
    page = other.get(job_page, headers=EN)
    assert page.status_code == 200
    assert count(page, "created") == 2
    assert catalog_of(app, shop_id) == catalog_of(app, full.shop)
    # ...and the export of the new shop imports back to the same catalog: the round trip.
    again = export_zip(other)
    assert json.loads(zipfile.ZipFile(io.BytesIO(again)).read("catalog/items.json"))


def test_reimporting_the_same_file_changes_nothing(app, client, full, second):
    data = export_zip(client)
    other, shop_id = second
    location, _page = preview(other, data)
    confirm_and_run(app, other, location)
    before = catalog_of(app, shop_id)
    location, page = preview(other, data)
    assert count(page, "created") == 0
    assert count(page, "updated") == 0
    assert count(page, "unchanged") == 2
    assert "nothing to import" in page.get_data(as_text=True)
    confirm_and_run(app, other, location)
    with app.app_context():
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job.state is JobState.DONE
        assert job.result["created"] == 0
        assert job.result["unchanged"] == 2
        assert job.result["updated"] == 0
    assert catalog_of(app, shop_id) == before


def test_the_same_shop_imports_its_own_export_as_a_no_op(app, client, full):
    before = catalog_of(app, full.shop)
    location, page = preview(client, export_zip(client))
    assert count(page, "unchanged") == 2
    confirm_and_run(app, client, location)
    assert catalog_of(app, full.shop) == before


def test_an_import_updates_what_changed_and_keeps_the_rest(app, client, full, second):
    data = export_zip(client)
    other, shop_id = second
    location, _page = preview(other, data)
    confirm_and_run(app, other, location)
    with app.app_context():
        cap = db.session.scalar(select(Item).where(Item.shop_id == shop_id, Item.name == "@Gorra"))
        cap.price_minor = 1
        db.session.commit()
    location, page = preview(other, data)
    assert count(page, "updated") == 1
    assert count(page, "unchanged") == 1
    confirm_and_run(app, other, location)
    assert catalog_of(app, shop_id) == catalog_of(app, full.shop)


def test_another_shops_upload_is_404_and_imports_nothing(app, client, full, second):
    other, shop_id = second
    location, _page = preview(other, export_zip(client))
    assert client.get(location, headers=EN).status_code == 404
    assert client.post(location, data={}, headers=EN).status_code == 404
    with app.app_context():
        drain()
        assert (
            db.session.scalar(
                select(func.count()).select_from(Job).where(Job.kind == "catalog-import")
            )
            == 0
        )
    assert items_in(app, full.shop) == 2
    assert items_in(app, shop_id) == 0


def test_confirming_twice_imports_once(app, client, full, second):
    other, shop_id = second
    location, _page = preview(other, export_zip(client))
    first = confirm(other, location)
    assert confirm(other, location) == first  # the running job is followed, not doubled
    with app.app_context():
        drain()
    assert items_in(app, shop_id) == 2
    # Once imported the staged file is gone: a late third click finds nothing.
    assert other.post(location, data={}, headers=EN).status_code == 404


def test_confirming_needs_the_csrf_token(app, client, full, second):
    other, shop_id = second
    location, _page = preview(other, export_zip(client))
    response = other.post(location, data={}, csrf=False, headers=EN)
    assert response.status_code in (302, 303, 400)
    with app.app_context():
        drain()
    assert items_in(app, shop_id) == 0


def rewrite(data: bytes, **parts) -> bytes:
    """The ZIP with some parts replaced (JSON values)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name = info.filename
            key = name.replace("/", "__").removesuffix(".json")
            if key in parts:
                target.writestr(name, json.dumps(parts[key], ensure_ascii=False))
            else:
                target.writestr(info, source.read(name))
    return out.getvalue()


def test_rows_that_cannot_come_in_are_named_with_their_reason(app, client, full, second):
    data = export_zip(client)
    items = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("catalog/items.json"))
    good = dict(items[0], id=900, name="🌵 Cactus ñandú", code="CAC-1", photos=[])
    no_price = dict(items[0], id=901, name="Sin precio", code="X-1", price_minor=None)
    long_name = dict(items[0], id=902, name="x" * 151, code="X-2")
    bad_availability = dict(items[0], id=903, name="Rara", code="X-3", availability="maybe")
    too_many = dict(items[0], id=904, name="Fotos", code="X-4", photos=["a.webp"] * 11)
    script = dict(items[0], id=905, name="<script>alert(1)</script>", code="X-5", photos=[])
    twin = dict(good, id=906)
    data = rewrite(
        data,
        catalog__items=[good, no_price, long_name, bad_availability, too_many, script, twin, "x"],
    )
    other, shop_id = second
    location, page = preview(other, data)
    text = page.get_data(as_text=True)
    assert count(page, "created") == 2
    assert count(page, "skipped") == 6
    assert "Row 3 (Sin precio): This product has no price." in text
    assert "Row 4 (" + "x" * 80 + "): Use at most 150 characters." in text
    assert "Row 5 (Rara): Its availability is not one Vitrina knows." in text
    assert "Row 6 (Fotos): It has more than 10 photos." in text
    assert "Row 8 (🌵 Cactus ñandú): Row 2 has the same product already." in text
    assert "Row 9" in text
    assert "<script>alert(1)</script>" not in text  # shown inert
    confirm_and_run(app, other, location)
    names = set(catalog_of(app, shop_id)["items"])
    assert names == {"🌵 Cactus ñandú", "<script>alert(1)</script>"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip at all", "We need a column for the name and one for the price"),
        (b"PK\x03\x04 broken", "This file is damaged and cannot be read."),
        (b"", "This file is empty."),
    ],
)
def test_files_that_are_not_an_export_are_refused_with_a_message(app, second, data, message):
    other, shop_id = second
    response = upload(other, data)
    assert response.status_code in (303, 422)
    if response.status_code == 303:
        response = other.get(response.headers["Location"], headers=EN)
        assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert items_in(app, shop_id) == 0


def test_posting_without_a_file_asks_for_one(app, second):
    other, _shop_id = second
    response = other.post(IMPORT, data={}, headers=EN)
    assert response.status_code == 422
    assert "Choose a file." in response.get_data(as_text=True)


def test_a_zip_without_the_catalog_is_refused(app, second):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    other, _shop_id = second
    _location, page = preview(other, buffer.getvalue())
    assert page.status_code == 422
    assert "not a ZIP file made by Vitrina" in page.get_data(as_text=True)


def test_prices_in_another_currency_are_refused_not_converted(app, client, full, another_merchant):
    data = export_zip(client)
    other, shop_id = another_merchant("Cid", slug="chile", currency="CLP")
    _location, page = preview(other, data)
    assert page.status_code == 422
    assert "in EUR and your shop counts in CLP" in page.get_data(as_text=True)
    assert items_in(app, shop_id) == 0


def test_a_part_that_expands_past_the_limit_is_refused_unread(
    app, client, full, second, monkeypatch
):
    data = export_zip(client)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename == "catalog/items.json":
                target.writestr(info.filename, "[" + " " * 3_000_000 + "]")
            else:
                target.writestr(info, source.read(info.filename))
    assert len(bomb.getvalue()) < 200_000  # small on the wire, big once expanded
    monkeypatch.setattr(source_module, "MAX_PART_BYTES", 1_000_000)
    other, _shop_id = second
    _location, page = preview(other, bomb.getvalue())
    assert page.status_code == 422
    assert "too large to import" in page.get_data(as_text=True)


def test_more_rows_than_the_cap_are_refused_with_a_message(app, client, full, second, monkeypatch):
    monkeypatch.setattr(source_module, "MAX_ROWS", 1)
    other, _shop_id = second
    _location, page = preview(other, export_zip(client))
    assert page.status_code == 422
    assert "import at most 1 at a time" in page.get_data(as_text=True)


def test_a_file_past_the_size_cap_is_refused_while_it_arrives(app, second):
    app.config["IMPORT_MAX_BYTES"] = 1024 * 1024
    other, _shop_id = second
    response = upload(other, b"x" * (1024 * 1024 + 1))
    assert response.status_code == 422
    assert "This file is larger than 1 MB." in response.get_data(as_text=True)


def test_a_failed_import_writes_nothing(app, client, full, second, monkeypatch):
    real = writing_module.write_catalog

    def half_then_fail(shop, catalog, images):
        real(shop, catalog, images)
        raise RuntimeError("the database went away")

    monkeypatch.setattr("shop.shops.imports.job.write_catalog", half_then_fail)
    other, shop_id = second
    location, _page = preview(other, export_zip(client))
    confirm_and_run(app, other, location)
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "catalog-import")).one()
        assert job.state is JobState.FAILED
    assert catalog_of(app, shop_id) == {"items": {}, "shipping": [], "categories": []}


def test_a_job_that_dies_mid_write_finishes_on_retry_without_duplicates(
    app, client, full, second, monkeypatch
):
    real = writing_module.write_catalog
    calls = []

    def dies_once(shop, catalog, images):
        calls.append(1)
        report = real(shop, catalog, images)  # everything written, not yet committed
        if len(calls) == 1:
            raise RuntimeError("worker killed")
        return report

    monkeypatch.setattr("shop.shops.imports.job.write_catalog", dies_once)
    other, shop_id = second
    location, _page = preview(other, export_zip(client))
    confirm_and_run(app, other, location)
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "catalog-import")).one()
        assert job.state is JobState.DONE, job.error
        images = db.session.scalar(select(func.count()).where(Image.shop_id == shop_id))
    assert len(calls) == 2
    assert catalog_of(app, shop_id) == catalog_of(app, full.shop)
    assert images == 2  # each photo once, though its step may have been redone


# -- Spreadsheets (CSV) -------------------------------------------------------------------


def test_a_spanish_spreadsheet_with_semicolons_in_windows_1252(app, second):
    text = (
        "Nombre;Precio;Categoría;Descripción;Código;Existencias;Disponibilidad\r\n"
        "Camiseta ñandú;12,50 €;Ropa;Algodón;CAM-1;4;disponible\r\n"
        "Gorra;1.234,56;Ropa;;GOR-1;;agotado\r\n"
        "Bolso;EUR 8;Accesorios;;;;\r\n"
        "Sin precio;;Ropa;;;;\r\n"
        "Caro;12.50 USD;Ropa;;;;\r\n"
        "Raro;5;Ropa;;;;quizás\r\n"
    )
    other, shop_id = second
    location, page = preview(other, text.encode("cp1252"))
    body = page.get_data(as_text=True)
    assert count(page, "created") == 3
    assert count(page, "skipped") == 3
    assert count(page, "categories") == 2
    assert "Row 5 (Sin precio): This product has no price." in body
    assert "Row 6 (Caro): Its price is not in EUR: prices are never converted." in body
    assert "Row 7 (Raro): Its availability is not one Vitrina knows." in body
    confirm_and_run(app, other, location)
    items = catalog_of(app, shop_id)["items"]
    assert items["Camiseta ñandú"]["price"] == 1250
    assert items["Camiseta ñandú"]["category"] == "Ropa"
    assert items["Camiseta ñandú"]["stock"] == 4
    assert items["Camiseta ñandú"]["description"] == "Algodón"
    assert items["Gorra"]["price"] == 123456
    assert items["Gorra"]["availability"] == "sold_out"
    assert items["Bolso"]["price"] == 800
    assert catalog_of(app, shop_id)["categories"] == ["Accesorios", "Ropa"]


def test_a_meta_catalog_feed_csv_in_utf8_with_bom(app, second):
    text = (
        "id,title,description,availability,condition,price,sale_price,link,image_link,brand\n"
        'SKU-1,"Vestido 🌸, largo",Fresco,in stock,new,30.00 EUR,24.00 EUR,https://x.example/1,,Sol\n'
        "SKU-2,Sandalias,,out of stock,new,19.99 EUR,,https://x.example/2,,Sol\n"
    )
    other, shop_id = second
    import_file(app, other, ("\ufeff" + text).encode("utf-8"))
    items = catalog_of(app, shop_id)["items"]
    assert items["Vestido 🌸, largo"]["price"] == 2400
    assert items["Vestido 🌸, largo"]["compare_at"] == 3000
    assert items["Vestido 🌸, largo"]["code"] == "SKU-1"
    assert items["Sandalias"]["availability"] == "sold_out"
    # The same file again changes nothing.
    _location, page = preview(other, ("\ufeff" + text).encode("utf-8"))
    assert count(page, "unchanged") == 2
    assert count(page, "created") == 0


def test_whole_pesos_in_a_clp_shop(app, another_merchant):
    client, shop_id = another_merchant("Cid", slug="chile", currency="CLP", whatsapp="+56912345678")
    import_file(app, client, b"Producto\tPrecio\nEmpanada\t1.500\nCompleto\t$2500\n")
    items = catalog_of(app, shop_id)["items"]
    assert items["Empanada"]["price"] == 1500
    assert items["Completo"]["price"] == 2500


def test_formulas_and_markup_in_cells_stay_inert_text(app, second):
    text = 'name,price,description\n"=HYPERLINK(""http://evil"")",5,<img src=x onerror=alert(1)>\n'
    other, shop_id = second
    location, page = preview(other, text.encode())
    assert "<img src=x" not in page.get_data(as_text=True)
    confirm_and_run(app, other, location)
    items = catalog_of(app, shop_id)["items"]
    assert items['=HYPERLINK("http://evil")']["description"] == "<img src=x onerror=alert(1)>"


def test_a_giant_cell_refuses_the_file_with_a_message(app, second):
    other, shop_id = second
    _location, page = preview(other, b"name,price\n" + b"a" * 200_000 + b",5\n")
    assert page.status_code == 422
    assert "cannot be read" in page.get_data(as_text=True)
    assert items_in(app, shop_id) == 0


def test_too_many_rows_in_a_sheet_are_refused(app, second, monkeypatch):
    monkeypatch.setattr("shop.shops.imports.sheet.MAX_ROWS", 2)
    other, _shop_id = second
    _location, page = preview(other, b"name,price\na,1\nb,2\nc,3\nd,4\n")
    assert page.status_code == 422
    assert "import at most 2 at a time" in page.get_data(as_text=True)


# -- Photos by URL ------------------------------------------------------------------------


@pytest.fixture
def photo_server():
    """A local HTTP server with one real JPEG at /a.jpg; yields its base URL and hits."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.dashboard.full_shop import jpeg

    body, hits = jpeg((20, 90, 200)), []

    class Photos(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            found = self.path == "/a.jpg"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "image/jpeg" if found else "text/plain")
            data = body if found else b"no"
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Photos)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def test_photos_by_url_are_fetched_from_an_allowed_host(app, second, photo_server):
    base, hits = photo_server
    app.config["IMPORT_FETCH_ALLOW_HOSTS"] = ["127.0.0.1"]
    other, shop_id = second
    text = f"title,price,image_link,additional_image_link\nVaso,5,{base}/a.jpg,{base}/gone.jpg\n"
    import_file(app, other, text.encode())
    assert catalog_of(app, shop_id)["items"]["Vaso"]["photos"] == 1
    assert sorted(hits) == ["/a.jpg", "/gone.jpg"]
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "catalog-import")).one()
        assert job.result["photos_failed"] == [f"{base}/gone.jpg"]
    page = other.get(f"/dashboard/jobs/{job.token}", headers=EN)
    assert f"{base}/gone.jpg" in page.get_data(as_text=True)


def test_photos_on_loopback_are_refused_unless_allowed_and_the_item_still_comes_in(
    app, second, photo_server
):
    base, hits = photo_server
    other, shop_id = second
    import_file(app, other, f"title,price,image_link\nVaso,5,{base}/a.jpg\n".encode())
    assert catalog_of(app, shop_id)["items"]["Vaso"]["photos"] == 0
    assert hits == []  # refused before any connection


def test_meta_variants_become_size_and_colour_groups_with_prices_and_stock(app, second):
    text = (
        "id,item_group_id,title,price,size,color,availability,inventory\n"
        "V-S-AZ,VEST-1,Vestido,20.00 EUR,S,Azul,in stock,1\n"
        "V-M-AZ,VEST-1,Vestido,20.00 EUR,M,Azul,in stock,2\n"
        "V-L-AZ,VEST-1,Vestido,22.00 EUR,L,Azul,in stock,3\n"
        "V-S-RO,VEST-1,Vestido,20.00 EUR,S,Rojo,out of stock,0\n"
        "X-1,RARO,Raro,5 EUR,S,Azul,in stock,\n"
        "X-2,RARO,Raro,6 EUR,M,Rojo,in stock,\n"
        "X-3,RARO,Raro,7 EUR,S,Rojo,in stock,\n"
        "SOLO,,Bolso,9 EUR,,,in stock,\n"
    )
    other, shop_id = second
    location, page = preview(other, text.encode())
    body = html.unescape(page.get_data(as_text=True))
    assert count(page, "created") == 2
    assert "Row 6 (Raro): Its variants' prices cannot be written" in body
    confirm_and_run(app, other, location)
    dress = catalog_of(app, shop_id)["items"]["Vestido"]
    assert dress["price"] == 2000
    assert dress["code"] == "VEST-1"
    assert dress["groups"] == [
        ("Size", "size", 1, 1, [("S", 0), ("M", 0), ("L", 200)]),
        ("Colour", "color", 1, 1, [("Azul", 0), ("Rojo", 0)]),
    ]
    assert dress["variant_stock"] == [("Azul+L", 3), ("Azul+M", 2), ("Azul+S", 1), ("Rojo+S", 0)]
    # The same feed again changes nothing.
    _location, page = preview(other, text.encode())
    assert count(page, "unchanged") == 2


def test_a_shopify_product_csv_with_variants_and_image_rows(app, second):
    header = (
        "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,"
        "Option2 Name,Option2 Value,Variant SKU,Variant Inventory Qty,Variant Price,"
        "Variant Compare At Price,Image Src,Image Position,Status\n"
    )
    text = header + (
        "camisa,Camisa <b>lino</b>,<p>Fresca &amp; ligera</p>,Sol,Camisas,,TRUE,Size,S,"
        "Color,Blanco,CAM-S,3,30.00,,,1,active\n"
        "camisa,,,,,,,,M,,Blanco,CAM-M,0,30.00,,,,\n"
        "camisa,,,,,,,,L,,Blanco,CAM-L,5,32.00,,,,\n"
        "gorra,Gorra,,Sol,Accesorios,,TRUE,Title,Default Title,,,GOR-1,7,8.00,10.00,,,active\n"
        "borrador,Borrador,,Sol,,,FALSE,Title,Default Title,,,BOR-1,,5.00,,,,draft\n"
        "taza,Taza,,Sol,,,TRUE,Material,Barro,,,TAZ-1,2,4.00,,,,active\n"
        "taza,,,,,,,,Vidrio,,,TAZ-2,1,5.50,,,,\n"
    )
    other, shop_id = second
    location, page = preview(other, text.encode())
    assert count(page, "created") == 4
    assert count(page, "skipped") == 0
    confirm_and_run(app, other, location)
    items = catalog_of(app, shop_id)["items"]
    shirt = items["Camisa <b>lino</b>"]  # a title is text, kept as typed
    assert shirt["description"] == "Fresca & ligera"
    assert shirt["price"] == 3000
    assert shirt["category"] == "Camisas"
    assert shirt["groups"] == [
        ("Size", "size", 1, 1, [("S", 0), ("M", 0), ("L", 200)]),
        ("Colour", "color", 1, 1, [("Blanco", 0)]),
    ]
    assert shirt["variant_stock"] == [("Blanco+L", 5), ("Blanco+M", 0), ("Blanco+S", 3)]
    assert shirt["variants"] == ["Size", "Colour"]
    cap = items["Gorra"]
    assert (cap["price"], cap["compare_at"], cap["code"], cap["stock"]) == (800, 1000, "GOR-1", 7)
    assert cap["groups"] == []
    assert items["Borrador"]["availability"] == "hidden"
    # An option of any name is a variant group of its own, named as the file names it.
    cup = items["Taza"]
    assert cup["groups"] == [("Material", "other", 1, 1, [("Barro", 0), ("Vidrio", 150)])]
    assert cup["variants"] == ["Material"]
    assert cup["variant_stock"] == [("Barro", 2), ("Vidrio", 1)]


def test_the_import_page_says_how_to_move_a_whatsapp_business_catalog(app, second):
    other, _shop_id = second
    english = other.get(IMPORT, headers=EN).get_data(as_text=True)
    assert "Your catalog is in WhatsApp Business?" in english
    assert "business.facebook.com/commerce" in english
    spanish = other.get(IMPORT, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "¿Tu catálogo está en WhatsApp Business?" in spanish


# -- Undo ---------------------------------------------------------------------------------


def test_undo_removes_created_items_and_restores_updated_ones_but_keeps_later_edits(app, second):
    other, shop_id = second
    import_file(app, other, b"code,name,price\nA,Uno,1\nB,Dos,2\n")
    import_file(
        app, other, b"code,name,price,description\nA,Uno nuevo,5,x\nB,Dos nuevo,6,y\nC,Tres,3,\n"
    )
    with app.app_context():
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        first = db.session.scalars(select(Job).order_by(Job.id)).first()
        token, first_token = job.token, first.token
        two = db.session.scalar(select(Item).where(Item.shop_id == shop_id, Item.code == "B"))
        two.price_minor = 999  # the merchant's own change after the import: kept
        db.session.commit()
    page = other.get(f"/dashboard/jobs/{token}", headers=EN).get_data(as_text=True)
    assert "Undo this import" in page
    assert "Undo this import" not in other.get(f"/dashboard/jobs/{first_token}", headers=EN).text
    response = other.post(f"/dashboard/jobs/{token}/undo", data={}, headers=EN)
    assert response.status_code == 303
    items = catalog_of(app, shop_id)["items"]
    assert set(items) == {"Uno", "Dos"}
    assert items["Uno"]["price"] == 100
    assert items["Uno"]["description"] == ""
    assert items["Dos"]["price"] == 999
    page = other.get(f"/dashboard/jobs/{token}", headers=EN).get_data(as_text=True)
    assert "Kept as you changed them since the import: Dos (Price)" in page
    # Once only.
    assert other.post(f"/dashboard/jobs/{token}/undo", data={}, headers=EN).status_code == 303
    assert set(catalog_of(app, shop_id)["items"]) == {"Uno", "Dos"}


def test_another_merchant_cannot_undo_an_import(app, client, full, second):
    other, shop_id = second
    import_file(app, other, b"name,price\nUno,1\n")
    with app.app_context():
        token = db.session.scalars(select(Job)).one().token
    assert client.post(f"/dashboard/jobs/{token}/undo", data={}, headers=EN).status_code == 404
    assert items_in(app, shop_id) == 1


def test_a_woocommerce_product_csv_with_a_variable_product(app, second):
    text = (
        "ID,Type,SKU,Name,Published,In stock?,Stock,Regular price,Sale price,Categories,"
        "Images,Parent,Attribute 1 name,Attribute 1 value(s),Description\n"
        '10,simple,TAZA-1,Taza,1,1,4,"6,50",,Cocina > Tazas,,,,,<p>Barro</p>\n'
        '11,variable,POLO,Polo,1,1,,,,Ropa,,,Talla,"S, M",Algodón\n'
        "12,variation,POLO-S,Polo - S,1,1,2,15,,,,id:11,Talla,S,\n"
        "13,variation,POLO-M,Polo - M,1,1,0,17,,,,id:11,Talla,M,\n"
        "14,simple,OCULTO,Oculto,-1,1,,3,,,,,,,\n"
        "15,simple,AGOTADO,Agotado,1,0,,3,,,,,,,\n"
    )
    other, shop_id = second
    import_file(app, other, text.encode())
    items = catalog_of(app, shop_id)["items"]
    assert items["Taza"]["price"] == 650
    assert items["Taza"]["category"] == "Tazas"
    assert items["Taza"]["description"] == "Barro"
    polo = items["Polo"]
    assert polo["price"] == 1500
    assert polo["code"] == "POLO"
    assert polo["description"] == "Algodón"
    assert polo["groups"] == [("Size", "size", 1, 1, [("S", 0), ("M", 200)])]
    assert polo["variant_stock"] == [("M", 0), ("S", 2)]
    assert items["Oculto"]["availability"] == "hidden"
    assert items["Agotado"]["availability"] == "sold_out"


def test_uploads_never_confirmed_are_pruned_after_a_day(app, second):
    import os
    import time

    from shop.shops.imports.staging import prune_staged, staged_path

    other, shop_id = second
    location, _page = preview(other, b"name,price\nUno,1\n")
    token = location.rsplit("/", 1)[-1]
    with app.app_context():
        path = staged_path(shop_id, token)
        assert prune_staged(86400) == 0
        old = time.time() - 2 * 86400
        os.utime(path, (old, old))
        assert prune_staged(86400) == 1
        assert staged_path(shop_id, token) is None
    assert other.get(location, headers=EN).status_code == 404


def test_a_job_that_dies_after_the_catalog_is_in_finishes_with_its_report(
    app, client, full, second, monkeypatch
):
    from shop.shops.imports import job as job_module

    real, calls = job_module.remove_staged, []

    def dies_once(shop_id, token):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("worker killed after the commit")
        real(shop_id, token)

    monkeypatch.setattr(job_module, "remove_staged", dies_once)
    other, shop_id = second
    location, _page = preview(other, export_zip(client))
    confirm_and_run(app, other, location)
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "catalog-import")).one()
        assert job.state is JobState.DONE
        assert job.result["created"] == 2
    assert len(calls) == 2
    assert catalog_of(app, shop_id) == catalog_of(app, full.shop)
