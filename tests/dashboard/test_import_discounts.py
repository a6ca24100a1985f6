"""Discounts travel with the shop: the export ZIP's discounts.csv/json, read back by the
import when they mean the same in the other shop (whole cart, or categories by name);
those limited to products are left out and named; undo removes what the import made."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.jobs import drain
from shop.models import Category, Discount, Item, Job, Shop
from shop.ordering.coupon_edits import save_discount
from tests import factories
from tests.dashboard.test_import import EN, confirm, count, export_zip, preview


@pytest.fixture
def second(app, sign_in_as):
    """Another merchant with an empty EUR shop, signed in on their own client."""
    with app.app_context():
        user = factories.make_user("Bea")
        shop = factories.make_shop(user, slug="nueva", name="Nueva", language="en")
        db.session.commit()
        ids = (user.id, shop.id)
    client = app.test_client()
    sign_in_as(client, ids[0])
    return client, ids[1]


def _discounts(app, shop_id: int) -> None:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        category = db.session.scalars(select(Category).where(Category.shop_id == shop_id)).first()
        item = db.session.scalars(select(Item).where(Item.shop_id == shop_id)).first()
        verano = save_discount(
            shop, None, code="VERANO10", name="", kind="percent", value=1250, max_uses=5,
            max_uses_per_customer=1, min_order_minor=3000,
        )  # fmt: skip
        verano.uses = 3
        save_discount(shop, None, code="", name="Rebajas ☀️", kind="fixed", value=500,
                      category_ids=[category.id])  # fmt: skip
        save_discount(shop, None, code="SOLOGORRA", name="", kind="percent", value=500,
                      item_ids=[item.id])  # fmt: skip
        save_discount(
            shop, None, code="ENVIO", name="", kind="free_shipping", value=0,
            starts_on=date(2026, 12, 1), ends_on=date(2027, 1, 6), active=False,
        )  # fmt: skip
        db.session.commit()


def _rows(app, shop_id: int) -> dict:
    with app.app_context():
        found = {}
        for d in db.session.scalars(select(Discount).where(Discount.shop_id == shop_id)):
            names = sorted(db.session.get(Category, i).name for i in d.category_ids)
            found[d.code or d.name] = (
                d.kind.value, d.value, d.min_order_minor, d.starts_on, d.ends_on, d.max_uses,
                d.max_uses_per_customer, d.active, names, d.uses,
            )  # fmt: skip
        return found


def test_the_export_carries_the_discounts_by_name(app, client, full):
    _discounts(app, full.shop)
    archive = zipfile.ZipFile(io.BytesIO(export_zip(client)))
    records = json.loads(archive.read("discounts.json"))
    assert sorted(r["code"] or r["name"] for r in records) == [
        "Rebajas ☀️", "envio", "sologorra", "verano10",
    ]  # fmt: skip
    verano = next(r for r in records if r["code"] == "verano10")
    assert (verano["value"], verano["uses"], verano["max_uses"]) == (1250, 3, 5)
    assert "discounts.csv" in archive.namelist()
    assert not [name for name in archive.namelist() if name.startswith("more/discount")]
    assert "discounts: your discount codes" in archive.read("README.txt").decode()


def test_an_import_brings_the_simple_ones_back_and_names_the_others(app, client, full, second):
    _discounts(app, full.shop)
    data = export_zip(client)
    other, shop_id = second
    location, page = preview(other, data)
    text = page.get_data(as_text=True)
    assert count(page, "discounts") == 3
    assert "SOLOGORRA: It is limited to some products: make it again in Discounts." in text
    job_page = confirm(other, location)
    with app.app_context():
        drain()
    report = other.get(job_page, headers=EN)
    assert count(report, "discounts") == 3
    before = _rows(app, full.shop)
    after = _rows(app, shop_id)
    assert set(after) == {"verano10", "Rebajas ☀️", "envio"}
    for key in after:  # the same rules; uses start again in the new shop
        assert after[key][:-1] == before[key][:-1], key
        assert after[key][-1] == 0
    with app.app_context():
        assert db.session.get(Shop, shop_id).has_automatic_discount
    # Again: nothing new, the shop's own are left as they are.
    _location, page = preview(other, data)
    assert count(page, "discounts") == 0


def test_undo_removes_the_discounts_the_import_made(app, client, full, second):
    _discounts(app, full.shop)
    other, shop_id = second
    location, _page = preview(other, export_zip(client))
    confirm(other, location)
    with app.app_context():
        drain()
        token = db.session.scalars(select(Job).order_by(Job.id.desc())).first().token
    assert other.post(f"/dashboard/jobs/{token}/undo", data={}, headers=EN).status_code == 303
    assert _rows(app, shop_id) == {}
    with app.app_context():
        assert not db.session.get(Shop, shop_id).has_automatic_discount


def _last_job(app) -> str:
    with app.app_context():
        return db.session.scalars(select(Job).order_by(Job.id.desc())).first().token


def _rewritten(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            name, body = change(member.filename, source.read(member))
            if name:
                target.writestr(name, body)
    return out.getvalue()


def test_an_older_export_with_discounts_in_more_is_read_too(app, client, full, second):
    _discounts(app, full.shop)

    def move(name, body):
        if name == "discounts.json":
            return "more/discount.json", body
        return (None, b"") if name == "discounts.csv" else (name, body)

    other, _shop_id = second
    _location, page = preview(other, _rewritten(export_zip(client), move))
    assert count(page, "discounts") == 3


def test_hostile_discount_records_are_refused_one_by_one(app, client, full, second):
    bad = [
        {"code": "<b>X</b>", "name": "", "kind": "percent", "value": 1000},
        {"code": "ok-code", "name": "", "kind": "bogus", "value": 1000},
        {"code": "tooMuch", "name": "", "kind": "percent", "value": 10**9},
        {"code": "", "name": "", "kind": "percent", "value": 1000},
        {"code": "nocat", "name": "", "kind": "percent", "value": 100, "category_ids": [999]},
        "not a record",
        {"code": "BUENO", "name": "", "kind": "fixed", "value": 250, "starts_on": "not a day"},
    ]

    def replace(name, body):
        return (name, json.dumps(bad).encode()) if name == "discounts.json" else (name, body)

    other, shop_id = second
    location, page = preview(other, _rewritten(export_zip(client), replace))
    # An unknown kind and a missing category are left out at once; the rest are checked
    # by the dashboard's own rules when written.
    assert count(page, "discounts") == 4
    text = page.get_data(as_text=True)
    assert "<b>X" not in text
    assert "OK-CODE: Its kind is not one Vitrina knows." in text
    assert "NOCAT: Its categories are not in the file." in text
    confirm(other, location)
    with app.app_context():
        drain()
    assert set(_rows(app, shop_id)) == {"bueno"}
    report = other.get(f"/dashboard/jobs/{_last_job(app)}", headers=EN).get_data(as_text=True)
    assert "TOOMUCH: A percentage is more than 0 and at most 100." in report
