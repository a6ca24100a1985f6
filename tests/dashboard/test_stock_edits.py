"""The merchant's stock forms never silently undo units that orders took meanwhile."""

from __future__ import annotations

import re

import pytest

from shop.catalog.variants import combination_key
from shop.extensions import db
from shop.models import Item, Shop
from shop.ordering import stock
from tests import factories

EN = {"Accept-Language": "en"}
ES = {"Accept-Language": "es-ES,es;q=0.9"}


def _item(app, shop_id, units=5, combos=False):
    with app.app_context():
        item = factories.make_item(
            db.session.get(Shop, shop_id), None, name="Camiseta", price_minor=2000
        )
        item.stock = units
        key = None
        if combos:
            size = factories.make_group(item, "Talla", ["S", "M"], kind="size")
            factories.set_variant_stock(item, [size.choices[1]], 4)
            key = combination_key([size.choices[1].id])
        db.session.commit()
        return item.id, key


def _order_takes(app, item_id, quantity, variant=None):
    """What checkout does when it records an order (shop.ordering.stock.take)."""
    with app.test_request_context():
        item = db.session.get(Item, item_id)
        stock.take(stock.Want(item, quantity, variant), item.name, count_item=variant is None)
        db.session.commit()


def _stock(app, item_id):
    with app.app_context():
        item = db.session.get(Item, item_id)
        return item.price_minor, item.stock, {row.key: row.stock for row in item.variant_stock}


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    assert found, name
    return found.group(1)


def _edit(client, item_id, loaded, units="10", price="25.00", headers=EN):
    data = {
        "name": "Camiseta",
        "description": "",
        "price": price,
        "compare_at": "",
        "code": "",
        "category": "",
        "availability": "available",
        "stock": units,
    }
    if loaded is not None:
        data["stock_loaded"] = loaded
    return client.post(f"/dashboard/items/{item_id}/edit", data=data, headers=headers)


def test_the_edit_form_carries_the_count_it_showed(app, client, merchant):
    item_id, _ = _item(app, merchant[1])
    page = client.get(f"/dashboard/items/{item_id}/edit", headers=EN).text
    assert _hidden(page, "stock_loaded") == "5"


def test_a_changed_count_is_refused_when_an_order_took_units_meanwhile(app, client, merchant):
    item_id, _ = _item(app, merchant[1])
    loaded = _hidden(
        client.get(f"/dashboard/items/{item_id}/edit", headers=EN).text, "stock_loaded"
    )
    _order_takes(app, item_id, 2)
    refused = _edit(client, item_id, loaded, units="10", price="25,00", headers=ES)
    assert refused.status_code == 422
    page = refused.text
    assert "Mientras editabas, los pedidos cambiaron esto: ahora quedan 3." in page
    assert 'value="10"' in page  # what the merchant typed is kept
    assert _hidden(page, "stock_loaded") == "3"
    assert _stock(app, item_id)[:2] == (2000, 3)  # nothing saved, the order's count stands
    # Seen the new count, the merchant saves again: now it is written.
    again = _edit(
        client, item_id, _hidden(page, "stock_loaded"), units="10", price="25,00", headers=ES
    )
    assert again.status_code == 302
    assert _stock(app, item_id)[:2] == (2500, 10)


def test_an_untouched_count_keeps_what_orders_took(app, client, merchant):
    item_id, _ = _item(app, merchant[1])
    _order_takes(app, item_id, 2)
    response = _edit(client, item_id, "5", units="5", price="21.00")
    assert response.status_code == 302
    assert _stock(app, item_id)[:2] == (2100, 3)


def test_a_changed_count_is_written_when_nothing_changed_meanwhile(app, client, merchant):
    item_id, _ = _item(app, merchant[1])
    assert _edit(client, item_id, "5", units="").status_code == 302
    assert _stock(app, item_id)[1] is None
    assert _edit(client, item_id, "", units="7").status_code == 302
    assert _stock(app, item_id)[1] == 7


def test_a_form_without_the_loaded_count_writes_as_before(app, client, merchant):
    item_id, _ = _item(app, merchant[1])
    _order_takes(app, item_id, 2)
    assert _edit(client, item_id, None, units="9").status_code == 302
    assert _stock(app, item_id)[1] == 9


@pytest.mark.parametrize("loaded", ["-1", "abc", "9" * 40, "\uff15"])
def test_a_malformed_loaded_count_is_refused_without_an_error_page(app, client, merchant, loaded):
    item_id, _ = _item(app, merchant[1])
    response = _edit(client, item_id, loaded)
    assert response.status_code == 422
    assert "This page is out of date. Reload it and try again." in response.text
    assert _stock(app, item_id)[1] == 5


def test_combination_counts_refuse_what_orders_changed_and_save_the_rest(app, client, merchant):
    item_id, key = _item(app, merchant[1], combos=True)
    page = client.get(f"/dashboard/items/{item_id}/edit", headers=EN).text
    assert _hidden(page, f"loaded-{key}") == "4"
    other = next(k for k in re.findall(r'name="loaded-([0-9-]+)"', page) if k != key)
    assert _hidden(page, f"loaded-{other}") == ""
    _order_takes(app, item_id, 1, variant=key)
    form = {f"stock-{key}": "9", f"loaded-{key}": "4", f"stock-{other}": "2", f"loaded-{other}": ""}
    refused = client.post(f"/dashboard/items/{item_id}/variant-stock", data=form, headers=ES)
    assert refused.status_code == 422
    assert "ahora quedan 3" in refused.text
    assert "No se guardó nada" in refused.text
    assert _hidden(refused.text, f"loaded-{key}") == "3"
    assert _stock(app, item_id)[2] == {key: 3}  # all or nothing
    form[f"loaded-{key}"] = "3"
    saved = client.post(f"/dashboard/items/{item_id}/variant-stock", data=form, headers=ES)
    assert saved.status_code == 302
    assert _stock(app, item_id)[2] == {key: 9, other: 2}


def test_an_untouched_combination_keeps_what_orders_took(app, client, merchant):
    item_id, key = _item(app, merchant[1], combos=True)
    _order_takes(app, item_id, 1, variant=key)
    form = {f"stock-{key}": "4", f"loaded-{key}": "4"}
    assert client.post(f"/dashboard/items/{item_id}/variant-stock", data=form).status_code == 302
    assert _stock(app, item_id)[2] == {key: 3}
