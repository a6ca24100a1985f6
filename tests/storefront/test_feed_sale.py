"""The Meta feed's sale_price for a shop-wide automatic discount: what one unit costs in
the cart, to the minor unit in any currency, with the discount's days as Meta's
sale_price_effective_date in the shop's time zone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from shop.extensions import db
from shop.models import Discount, Shop
from shop.ordering.coupon_edits import save_discount
from tests import factories
from tests.storefront.test_feeds import _add_photos

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(app):
    app.config["CLOCK"] = lambda: NOW


def _make(app, currency="EUR", prices=((850, None), (1250, 2000), (1, None))) -> dict:
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="sol", currency=currency)
        shop.time_zone = "Europe/Madrid"
        category = factories.make_category(shop, "Todo")
        items = []
        for n, (price, was) in enumerate(prices):
            item = factories.make_item(
                shop, category, name=f"P{n}", price_minor=price, compare_at_minor=was, position=n
            )
            _add_photos(shop, item, f"p{n}")
            items.append(item.id)
        db.session.commit()
        return {"id": shop.id, "items": items, "category": category.id}


def _discount(app, shop_id, **fields) -> int:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        fields = {"code": "", "name": "Rebajas", "kind": "percent", "value": 1250} | fields
        discount = save_discount(shop, None, **fields)
        db.session.commit()
        return discount.id


def _rows(client) -> dict[str, dict]:
    response = client.get("/s/sol/catalog.csv")
    assert response.status_code == 200
    header, *body = csv.reader(io.StringIO(response.get_data(as_text=True), newline=""))
    return {row[1]: dict(zip(header, row, strict=True)) for row in body}


def _cart_total(client, item_id: int) -> int:
    """What the cart's preview says one unit costs with the shop's discounts."""
    answer = client.post(
        "/s/sol/discount", json={"lines": [{"item_id": item_id, "quantity": 1}], "coupon": ""}
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["total_minor"]


@pytest.mark.parametrize(
    ("currency", "expected"),
    [
        # 12,5 % rounded half up once: 850 -> 106,25 -> 106 off; 1250 -> 156,25 -> 156 off.
        ("EUR", {"P0": ("8.50 EUR", "7.44 EUR"), "P1": ("20.00 EUR", "10.94 EUR")}),
        ("CLP", {"P0": ("850 CLP", "744 CLP"), "P1": ("2000 CLP", "1094 CLP")}),
        ("KWD", {"P0": ("0.850 KWD", "0.744 KWD"), "P1": ("2.000 KWD", "1.094 KWD")}),
    ],
)
def test_a_shop_wide_percentage_is_the_sale_price_the_cart_charges(app, client, currency, expected):
    shop = _make(app, currency)
    _discount(app, shop["id"])
    rows = _rows(client)
    for title, (price, sale) in expected.items():
        assert (rows[title]["price"], rows[title]["sale_price"]) == (price, sale), title
        assert rows[title]["sale_price_effective_date"] == ""
    # 12,5 % of one minor unit rounds to nothing: no sale shown.
    assert rows["P2"]["sale_price"] == ""
    for item_id, title in zip(shop["items"], ("P0", "P1", "P2"), strict=True):
        shown = rows[title]["sale_price"] or rows[title]["price"]
        assert shown.split()[0].replace(".", "").lstrip("0") == str(_cart_total(client, item_id))


def test_the_sale_runs_on_the_discounts_days_in_the_shops_zone(app, client):
    shop = _make(app)
    _discount(app, shop["id"], starts_on=date(2026, 12, 1), ends_on=date(2027, 1, 6))
    row = _rows(client)["P0"]
    assert row["sale_price"] == "7.44 EUR"
    assert row["sale_price_effective_date"] == "2026-12-01T00:00+0100/2027-01-07T00:00+0100"


def test_a_sale_ending_in_summer_time_ends_at_the_shops_midnight(app, client):
    app.config["CLOCK"] = lambda: datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    shop = _make(app)
    _discount(app, shop["id"], ends_on=date(2027, 3, 31))
    dates = _rows(client)["P0"]["sale_price_effective_date"]
    start, end = dates.split("/")
    assert end == "2027-04-01T00:00+0200"  # after the change to summer time
    assert start.endswith("+0100") or start.endswith("+0200")


@pytest.mark.parametrize(
    "fields",
    [
        {"min_order_minor": 100},  # needs a larger order: not every product's price
        {"kind": "fixed", "value": 100},  # once per order, not per product
        {"kind": "free_shipping", "value": 0},
        {"code": "VERANO10", "name": ""},  # typed, not automatic
        {"ends_on": date(2026, 12, 9)},  # over (the shop's today is 10 December)
        {"starts_on": date(2026, 12, 11)},  # not yet
        {"active": False},
        "category",
    ],
)
def test_other_discounts_are_no_sale_price(app, client, fields):
    shop = _make(app)
    if fields == "category":
        fields = {"category_ids": [shop["category"]]}
    _discount(app, shop["id"], **fields)
    rows = _rows(client)
    assert rows["P0"]["sale_price"] == ""
    assert rows["P1"]["sale_price"] == "12.50 EUR"  # its own compare-at sale, as before


def test_the_best_running_percentage_wins_and_the_feed_changes_with_it(app, client):
    shop = _make(app)
    first = client.get("/s/sol/catalog.csv")
    _discount(app, shop["id"], value=1000)
    best = _discount(app, shop["id"], value=2000, name="Mejor")
    # Discounts do not move the catalog version: the ETag itself carries the sale.
    again = client.get("/s/sol/catalog.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert _rows(client)["P0"]["sale_price"] == "6.80 EUR"
    with app.app_context():
        db.session.get(Discount, best).active = False
        db.session.commit()
    assert _rows(client)["P0"]["sale_price"] == "7.65 EUR"
    assert "Set-Cookie" not in again.headers
