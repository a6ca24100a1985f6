"""An import moves the catalog version once, and its undo puts back options, stock and
categories too (what an order or the merchant changed since stays)."""

from __future__ import annotations

from sqlalchemy import select, text

from shop.extensions import db
from shop.models import Item, Job
from tests import factories
from tests.dashboard.importing import EN, catalog_of, import_file

VARIANTS = (
    "id,item_group_id,title,price,size,inventory,category\n"
    "V-S,VEST,Vestido,20 EUR,S,1,Ropa\n"
    "V-M,VEST,Vestido,20 EUR,M,2,Ropa\n"
    "A,,Uno,1 EUR,,5,Ropa\n"
    "B,,Dos,2 EUR,,7,Ropa\n"
)
CHANGED = (
    "id,item_group_id,title,price,size,inventory,category\n"
    "V-S,VEST,Vestido,20 EUR,S,4,Ropa\n"
    "V-M,VEST,Vestido,20 EUR,M,4,Ropa\n"
    "V-L,VEST,Vestido,25 EUR,L,4,Ropa\n"
    "A,,Uno,1 EUR,,9,Ropa\n"
    "B,,Dos,2 EUR,,8,Ropa\n"
    "C,,Tres,3 EUR,,1,Nueva 🌱\n"
    "D,,Cuatro,3 EUR,,1,Otra\n"
)


def version(app, shop_id: int) -> int:
    with app.app_context():
        return db.session.execute(
            text("SELECT catalog_version FROM shop WHERE id = :id"), {"id": shop_id}
        ).scalar_one()


def latest_job(app) -> str:
    with app.app_context():
        return db.session.scalars(select(Job).order_by(Job.id.desc())).first().token


def test_an_import_moves_the_catalog_version_once_and_a_no_op_not_at_all(app, second):
    other, shop_id = second
    before = version(app, shop_id)
    import_file(app, other, VARIANTS.encode())  # a category, 3 items, groups, stock rows
    assert version(app, shop_id) == before + 1
    import_file(app, other, VARIANTS.encode())
    assert version(app, shop_id) == before + 1  # nothing changed: nothing moved
    import_file(app, other, CHANGED.encode())
    assert version(app, shop_id) == before + 2
    response = other.post(f"/dashboard/jobs/{latest_job(app)}/undo", data={}, headers=EN)
    assert response.status_code == 303
    assert version(app, shop_id) == before + 3  # the undo is one change too


def test_a_version_moved_by_another_write_before_the_import_is_kept_below(app, second):
    other, shop_id = second
    with app.app_context():
        db.session.execute(
            text("UPDATE shop SET catalog_version = catalog_version + 40 WHERE id = :id"),
            {"id": shop_id},
        )
        db.session.commit()
    before = version(app, shop_id)
    import_file(app, other, VARIANTS.encode())
    assert version(app, shop_id) == before + 1


def test_undo_puts_back_options_and_stock_and_removes_the_categories_it_made(app, second):
    other, shop_id = second
    import_file(app, other, VARIANTS.encode())
    before = catalog_of(app, shop_id)
    import_file(app, other, CHANGED.encode())
    after = catalog_of(app, shop_id)
    assert after["items"]["Vestido"]["variant_stock"] == [("L", 4), ("M", 4), ("S", 4)]
    assert after["categories"] == ["Nueva 🌱", "Otra", "Ropa"]
    with app.app_context():
        two = db.session.scalar(select(Item).where(Item.shop_id == shop_id, Item.code == "B"))
        two.stock = 6  # an order took one since the import: its count stays
        other_category = db.session.scalar(
            select(Item).where(Item.shop_id == shop_id, Item.code == "A")
        ).category
        mine = factories.make_item(two.shop, other_category, name="Mía")
        otra = next(c for c in two.shop.categories if c.name == "Otra")
        mine.category = otra  # the merchant put their own product in a new category
        db.session.commit()
    token = latest_job(app)
    assert other.post(f"/dashboard/jobs/{token}/undo", data={}, headers=EN).status_code == 303
    undone = catalog_of(app, shop_id)
    assert set(undone["items"]) == {"Vestido", "Uno", "Dos", "Mía"}
    assert undone["items"]["Vestido"] == before["items"]["Vestido"]  # S and M, 1 and 2
    assert undone["items"]["Uno"]["stock"] == 5
    assert undone["items"]["Dos"]["stock"] == 6
    assert undone["categories"] == ["Otra", "Ropa"]
    page = other.get(f"/dashboard/jobs/{token}", headers=EN).get_data(as_text=True)
    assert "Dos (Stock)" in page
    assert "Otra (Category, kept: it holds products)" in page
    assert "Categories removed: 1." in page


def test_undo_keeps_options_the_merchant_changed_since(app, second):
    other, shop_id = second
    import_file(app, other, VARIANTS.encode())
    import_file(app, other, CHANGED.encode())
    with app.app_context():
        dress = db.session.scalar(select(Item).where(Item.shop_id == shop_id, Item.code == "VEST"))
        dress.option_groups[0].choices[0].price_delta_minor = 300
        db.session.commit()
    kept = catalog_of(app, shop_id)["items"]["Vestido"]
    other.post(f"/dashboard/jobs/{latest_job(app)}/undo", data={}, headers=EN)
    assert catalog_of(app, shop_id)["items"]["Vestido"] == kept
    page = other.get(f"/dashboard/jobs/{latest_job(app)}", headers=EN).get_data(as_text=True)
    assert "Vestido (Options)" in page
