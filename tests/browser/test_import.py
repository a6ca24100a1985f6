"""A merchant imports a spreadsheet: upload, preview, confirm, the bar runs to the report."""

from __future__ import annotations

from sqlalchemy import select

from shop.extensions import db
from shop.models import Item
from tests import factories
from tests.dashboard.test_import import photo_server  # noqa: F401  (fixture)
from tests.jobs.conftest import app, workers  # noqa: F401  (fixtures: real workers)


def test_upload_preview_confirm_and_read_the_report(
    app,  # noqa: F811
    live_server,
    page,
    browser_sign_in,
    workers,  # noqa: F811
    photo_server,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    base, hits = photo_server
    monkeypatch.setenv("IMPORT_FETCH_ALLOW_HOSTS", "127.0.0.1")  # for the worker process
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user, language="en")
        db.session.commit()
        user_id, shop_id = user.id, shop.id
    sheet = tmp_path / "catalogo.csv"
    sheet.write_bytes(
        (
            "Nombre;Precio;Categoría;Imagen\r\n"
            f"Camiseta ñandú;12,50 €;Ropa;{base}/a.jpg\r\n"
            "Gorra 🧢;8;Ropa;\r\n"
            "Sin precio;;Ropa;\r\n"
        ).encode()
    )
    browser_sign_in(page.context, user_id)
    workers.start()
    page.goto(f"{live_server}/dashboard/data")
    page.get_by_role("link", name="Import a catalog").click()
    page.get_by_label("Your file").set_input_files(str(sheet))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/dashboard/data/import/**")
    assert page.locator('[data-count="created"]').inner_text() == "New products: 2"
    assert page.locator('[data-count="skipped"]').inner_text() == "Rows that cannot be imported: 1"
    assert "Row 4 (Sin precio): This product has no price." in page.inner_text("main")
    with app.app_context():
        assert db.session.scalars(select(Item).where(Item.shop_id == shop_id)).all() == []
    page.get_by_role("button", name="Import now").click()
    page.wait_for_url("**/dashboard/jobs/**")
    report = page.locator(".import-report")
    report.wait_for(timeout=30_000)  # the page reloads itself when the job is done
    assert page.locator("[data-job-bar]").get_attribute("value") == "100"
    assert report.locator('[data-count="created"]').inner_text() == "New products: 2"
    assert report.locator('[data-count="photos"]').inner_text() == "Photos brought in: 1"
    assert hits == ["/a.jpg"]
    with app.app_context():
        names = sorted(db.session.scalars(select(Item.name).where(Item.shop_id == shop_id)).all())
    assert names == ["Camiseta ñandú", "Gorra 🧢"]


def test_a_workbook_of_several_sheets_is_picked_mapped_then_imported(
    app,  # noqa: F811
    live_server,
    page,
    browser_sign_in,
    workers,  # noqa: F811
    tmp_path,
):
    from tests.dashboard.workbooks import xlsx_sheets

    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user, language="en")
        db.session.commit()
        user_id, shop_id = user.id, shop.id
    book = tmp_path / "inventario.xlsx"
    book.write_bytes(
        xlsx_sheets(
            {
                "Notas": [["Lista de 2026"]],
                "Productos": [
                    ["Artikel", "Preis", "Notiz"],
                    ["Taza 🍵", 4.5, "Barro"],
                    ["Vaso", 3, ""],
                ],
            }
        )
    )
    browser_sign_in(page.context, user_id)
    workers.start()
    page.goto(f"{live_server}/dashboard/data/import")
    page.get_by_label("Your file").set_input_files(str(book))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/dashboard/data/import/**")
    assert "choose the one with your products" in page.inner_text("main")
    page.get_by_label("The sheet with your products").select_option(label="Productos")
    page.get_by_role("button", name="Read this sheet").click()
    page.get_by_label("Artikel").wait_for()
    assert "choose what each column holds" in page.inner_text("main")
    assert "Taza 🍵" in page.locator(".import-columns").inner_text()  # its first rows
    assert page.get_by_role("button", name="Import now").count() == 0
    page.get_by_label("Artikel").select_option("name")
    page.get_by_label("Preis").select_option("price")
    page.get_by_label("Notiz").select_option("description")
    page.get_by_role("button", name="Preview with these columns").click()
    page.locator('[data-count="created"]').wait_for()
    assert page.locator('[data-count="created"]').inner_text() == "New products: 2"
    assert page.get_by_label("Preis").input_value() == "price"  # the choice is kept
    page.get_by_role("button", name="Import now").click()
    page.wait_for_url("**/dashboard/jobs/**")
    report = page.locator(".import-report")
    report.wait_for(timeout=30_000)
    assert report.locator('[data-count="created"]').inner_text() == "New products: 2"
    with app.app_context():
        items = db.session.scalars(select(Item).where(Item.shop_id == shop_id)).all()
        found = sorted((item.name, item.price_minor, item.description) for item in items)
    assert found == [("Taza 🍵", 450, "Barro"), ("Vaso", 300, "")]
