"""Stock: taken when the order is recorded, sold out at zero, given back on cancel."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Item, Order, VariantStock
from shop.ordering import statuses as order_status
from tests import factories
from tests.storefront.options_shop import build_options_shop, checkout_body
from tests.storefront.shopper import orders


@pytest.fixture
def ids(app):
    return build_options_shop(app)


def _post(client, ids, lines):
    return client.post(f"/s/{ids.slug}/checkout", json=checkout_body(ids, lines))


def _set(app, item_id, stock=None, combos=()):
    with app.app_context():
        item = db.session.get(Item, item_id)
        item.stock = stock
        choices = {c.id: c for g in item.option_groups for c in g.choices}
        for combo, units in combos:
            factories.set_variant_stock(item, [choices[c] for c in combo], units)
        db.session.commit()


def _stock(app, item_id):
    with app.app_context():
        item = db.session.get(Item, item_id)
        return item.stock, {row.key: row.stock for row in item.variant_stock}


def test_an_order_takes_item_and_combination_stock(app, client, ids):
    _set(app, ids.shirt, stock=5, combos=[((ids.m, ids.blue), 3)])
    lines = [{"item_id": ids.shirt, "quantity": 2, "choices": [ids.m, ids.blue]}]
    assert _post(client, ids, lines).status_code == 200
    stock, combos = _stock(app, ids.shirt)
    assert stock == 3
    assert list(combos.values()) == [1]
    (order,) = orders(app, ids.shop)
    key = "-".join(str(i) for i in sorted((ids.m, ids.blue)))
    assert order.lines[0].stock_taken == {"item": True, "variant": key}


def test_more_than_is_left_is_refused_with_a_clear_message(app, client, ids):
    _set(app, ids.plain, stock=1)
    response = _post(client, ids, [{"item_id": ids.plain, "quantity": 2}])
    assert response.status_code == 422
    assert response.get_json()["error"] == (
        "Solo quedan 1 de “Gorra”. Baja la cantidad para continuar."
    )
    assert orders(app, ids.shop) == []
    assert _stock(app, ids.plain)[0] == 1


def test_a_sold_out_combination_is_refused_and_marked_on_the_page(app, client, ids):
    _set(app, ids.shirt, combos=[((ids.m, ids.red), 0)])
    lines = [{"item_id": ids.shirt, "quantity": 1, "choices": [ids.m, ids.red]}]
    response = _post(client, ids, lines)
    assert response.status_code == 422
    assert "“Camiseta (Talla: M, Color: rojo)” está agotado" in response.get_json()["error"]
    page = client.get(f"/s/{ids.slug}/p/{ids.shirt}").get_data(as_text=True)
    key = "-".join(str(i) for i in sorted((ids.m, ids.red)))
    assert f'data-sold-out="[&#34;{key}&#34;]"' in page
    cart = client.get(f"/s/{ids.slug}/cart").get_data(as_text=True)
    assert f'"soldOut": ["{key}"]' in cart or f'"soldOut":["{key}"]' in cart


def test_the_last_unit_makes_the_item_sold_out_everywhere(app, client, ids):
    _set(app, ids.plain, stock=1)
    assert f'data-item-id="{ids.plain}"' in client.get(f"/s/{ids.slug}").get_data(as_text=True)
    assert _post(client, ids, [{"item_id": ids.plain, "quantity": 1}]).status_code == 200
    shop_page = client.get(f"/s/{ids.slug}").get_data(as_text=True)
    assert f'data-item-id="{ids.plain}"' not in shop_page  # no "Add" button: sold out
    assert "Agotado" in client.get(f"/s/{ids.slug}/p/{ids.plain}").get_data(as_text=True)
    again = _post(client, ids, [{"item_id": ids.plain, "quantity": 1}])
    assert again.status_code == 422
    assert "agotado" in again.get_json()["error"]


def test_a_refused_line_gives_back_what_earlier_lines_took(app, client, ids):
    _set(app, ids.shirt, stock=10)
    _set(app, ids.plain, stock=0)
    lines = [
        {"item_id": ids.shirt, "quantity": 2, "choices": [ids.s, ids.blue]},
        {"item_id": ids.plain, "quantity": 1},
    ]
    assert _post(client, ids, lines).status_code == 422
    assert _stock(app, ids.shirt)[0] == 10


def test_cancelling_gives_stock_back_and_reopening_takes_it_again(app, client, ids):
    _set(app, ids.shirt, stock=2, combos=[((ids.m, ids.blue), 2)])
    lines = [{"item_id": ids.shirt, "quantity": 2, "choices": [ids.m, ids.blue]}]
    assert _post(client, ids, lines).status_code == 200
    assert _stock(app, ids.shirt)[0] == 0
    with app.app_context():
        order = db.session.scalar(select(Order))
        order_status.change_status(order, "cancelled")
        db.session.commit()
    stock, combos = _stock(app, ids.shirt)
    assert stock == 2
    assert list(combos.values()) == [2]
    with app.app_context():
        order = db.session.scalar(select(Order))
        order_status.change_status(order, "new")
        db.session.commit()
    stock, combos = _stock(app, ids.shirt)
    assert stock == 0
    assert list(combos.values()) == [0]


def test_reopening_is_refused_when_the_units_were_sold_meanwhile(app, client, ids):
    _set(app, ids.plain, stock=1)
    assert _post(client, ids, [{"item_id": ids.plain, "quantity": 1}]).status_code == 200
    with app.app_context():
        order = db.session.scalar(select(Order))
        order_status.change_status(order, "cancelled")
        db.session.commit()
    assert _post(client, ids, [{"item_id": ids.plain, "quantity": 1}]).status_code == 200
    with app.test_request_context():
        order = db.session.scalar(select(Order).where(Order.number == 1))
        with pytest.raises(order_status.NotEnoughStock, match="Gorra"):
            order_status.change_status(order, "new")
        db.session.rollback()
        assert db.session.scalar(select(Order).where(Order.number == 1)).status == "cancelled"
    assert _stock(app, ids.plain)[0] == 0


def test_cancelling_an_order_placed_before_stock_was_counted_gives_nothing_back(app, client, ids):
    assert _post(client, ids, [{"item_id": ids.plain, "quantity": 3}]).status_code == 200
    _set(app, ids.plain, stock=1)
    with app.app_context():
        order = db.session.scalar(select(Order))
        order_status.change_status(order, "cancelled")
        db.session.commit()
    assert _stock(app, ids.plain)[0] == 1


def test_stock_never_goes_below_zero_in_the_database(app, ids):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(VariantStock(item_id=ids.shirt, key="1-4", stock=-1))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def _card(page: str, item_id: int) -> str:
    """The opening tag of the card that links to `item_id`."""
    found = re.search(
        rf'<li class="card[^"]*"[^>]*>\s*<a class="card-link" href="[^"]*/p/{item_id}"', page
    )
    assert found, item_id
    return found.group(0)


def _all_combos(ids):
    return [(size, color) for size in (ids.s, ids.m, ids.l) for color in (ids.blue, ids.red)]


def test_an_item_whose_every_combination_is_at_zero_is_sold_out_everywhere(app, client, ids):
    _set(app, ids.shirt, combos=[(combo, 0) for combo in _all_combos(ids)])
    shop_page = client.get(f"/s/{ids.slug}").get_data(as_text=True)
    assert "is-sold-out" in _card(shop_page, ids.shirt)
    assert "is-sold-out" not in _card(shop_page, ids.plain)
    product = client.get(f"/s/{ids.slug}/p/{ids.shirt}").get_data(as_text=True)
    assert '<p class="sold-out">Agotado</p>' in product
    assert "data-product-form" not in product
    feed = client.get(f"/s/{ids.slug}/catalog.csv").get_data(as_text=True)
    shirts = [row for row in csv.DictReader(io.StringIO(feed)) if row["title"] == "Camiseta"]
    assert len(shirts) == 6
    assert {row["availability"] for row in shirts} == {"out of stock"}


@pytest.mark.parametrize("last", [None, 2], ids=["last-not-counted", "last-has-units"])
def test_an_item_with_one_combination_left_is_not_sold_out(app, client, ids, last):
    combos = _all_combos(ids)
    rows = [(combo, 0) for combo in combos[:-1]]
    if last is not None:
        rows.append((combos[-1], last))
    _set(app, ids.shirt, combos=rows)
    shop_page = client.get(f"/s/{ids.slug}").get_data(as_text=True)
    assert "is-sold-out" not in _card(shop_page, ids.shirt)
    product = client.get(f"/s/{ids.slug}/p/{ids.shirt}").get_data(as_text=True)
    assert "data-product-form" in product
    lines = [{"item_id": ids.shirt, "quantity": 1, "choices": list(combos[-1])}]
    assert _post(client, ids, lines).status_code == 200


def test_selling_the_last_combination_marks_the_card_sold_out(app, client, ids):
    combos = _all_combos(ids)
    _set(app, ids.shirt, combos=[(combo, 0) for combo in combos[:-1]] + [(combos[-1], 1)])
    assert "is-sold-out" not in _card(
        client.get(f"/s/{ids.slug}").get_data(as_text=True), ids.shirt
    )
    lines = [{"item_id": ids.shirt, "quantity": 1, "choices": list(combos[-1])}]
    assert _post(client, ids, lines).status_code == 200
    assert "is-sold-out" in _card(client.get(f"/s/{ids.slug}").get_data(as_text=True), ids.shirt)
