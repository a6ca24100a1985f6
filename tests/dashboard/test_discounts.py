"""The merchant's discount pages: codes typed any way, look-alikes refused, tenancy."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Discount, DiscountKind, Shop
from tests import factories


def form(**overrides) -> dict:
    return {"code": "verano10", "name": "", "kind": "percent", "value": "12,5", "active": "y"} | (
        overrides
    )


def saved(app, shop_id) -> list[Discount]:
    with app.app_context():
        rows = db.session.scalars(select(Discount).where(Discount.shop_id == shop_id)).all()
        db.session.expunge_all()
        return list(rows)


def test_a_merchant_creates_a_code_and_sees_it_listed(app, client, merchant):
    shop_id = merchant[1]
    response = client.post(
        "/dashboard/discounts/new",
        data=form(min_order="50,00", ends_on="2026-08-31", max_uses="100",
                  max_uses_per_customer="1"),
    )  # fmt: skip
    assert response.status_code == 302
    [discount] = saved(app, shop_id)
    assert (discount.code, discount.kind, discount.value) == (
        "verano10",
        DiscountKind.PERCENT,
        1250,
    )
    assert (discount.min_order_minor, discount.ends_on) == (5000, date(2026, 8, 31))
    assert (discount.max_uses, discount.max_uses_per_customer) == (100, 1)
    page = client.get("/dashboard/discounts").get_data(as_text=True)
    assert "VERANO10" in page
    assert "12.5 %" in page
    edit = client.get(f"/dashboard/discounts/{discount.id}/edit").get_data(as_text=True)
    assert 'value="VERANO10"' in edit
    assert 'value="12.5"' in edit


def test_an_automatic_discount_needs_a_name_and_sets_the_shops_flag(app, client, merchant):
    shop_id = merchant[1]
    refused = client.post("/dashboard/discounts/new", data=form(code="", name=""))
    assert refused.status_code == 422
    assert "name shoppers see" in refused.get_data(as_text=True)
    assert saved(app, shop_id) == []
    ok = client.post(
        "/dashboard/discounts/new", data=form(code="", name="Rebajas ☀️", kind="fixed", value="5")
    )
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(Shop, shop_id).has_automatic_discount
    [discount] = saved(app, shop_id)
    client.post(f"/dashboard/discounts/{discount.id}/toggle", data={"active": "0"})
    with app.app_context():
        assert not db.session.get(Shop, shop_id).has_automatic_discount


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "VER\u0410NO10"}, "Use only letters A-Z"),  # a Cyrillic A
        ({"code": "\uff36\uff25\uff32\uff21\uff2e\uff2f"}, "Use only letters A-Z"),  # full-width
        ({"code": "<script>"}, "Use only letters A-Z"),
        ({"code": "ab"}, "from 3 to 32"),
        ({"value": "abc"}, "Write a percentage"),
        ({"value": "101"}, "Write a percentage"),
        ({"kind": "fixed", "value": "0"}, "more than 0"),
        ({"starts_on": "2026-09-01", "ends_on": "2026-08-01"}, "before the first day"),
        ({"max_uses": "-1"}, "whole number"),
        ({"max_uses": "9" * 50}, "whole number"),
        ({"name": "x" * 500}, "At most"),
        ({"kind": "half_off"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    app, client, merchant, fields, message
):
    response = client.post("/dashboard/discounts/new", data=form(**fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert saved(app, merchant[1]) == []


def test_a_code_taken_in_another_case_is_refused(app, client, merchant):
    assert client.post("/dashboard/discounts/new", data=form()).status_code == 302
    again = client.post("/dashboard/discounts/new", data=form(code="VERANO10"))
    assert again.status_code == 422
    assert "exists already" in again.get_data(as_text=True)
    assert len(saved(app, merchant[1])) == 1


def test_another_shops_discount_is_404_and_unchanged(app, client, merchant):
    with app.app_context():
        other = factories.make_shop(factories.make_user())
        theirs = Discount(shop=other, code="suyo", name="", kind=DiscountKind.PERCENT, value=500)
        db.session.add(theirs)
        db.session.commit()
        theirs_id = theirs.id
    assert client.get(f"/dashboard/discounts/{theirs_id}/edit").status_code == 404
    assert client.post(f"/dashboard/discounts/{theirs_id}/edit", data=form()).status_code == 404
    assert (
        client.post(f"/dashboard/discounts/{theirs_id}/toggle", data={"active": "0"}).status_code
        == 404
    )
    with app.app_context():
        row = db.session.get(Discount, theirs_id)
        assert (row.code, row.value, row.active) == ("suyo", 500, True)


def test_another_shops_products_cannot_be_chosen(app, client, merchant):
    with app.app_context():
        other = factories.make_shop(factories.make_user())
        item = factories.make_item(other, None, name="Ajena", price_minor=100)
        db.session.commit()
        item_id = item.id
    response = client.post("/dashboard/discounts/new", data=form(item_ids=[str(item_id)]))
    assert response.status_code == 422
    assert saved(app, merchant[1]) == []
