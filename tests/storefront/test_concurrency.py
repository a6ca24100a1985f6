"""Shoppers checking out at the same moment, through real HTTP, on PostgreSQL.

Each request runs in its own server thread with its own database connection, so the
row lock taken by UPDATE ... RETURNING and the unique (shop, key) constraint are what
keep numbers distinct and double taps single.
"""

from __future__ import annotations

import os

import pytest

from tests.storefront.shopper import build_shop, cart, next_number, orders, post_json_at_once

SHOPPERS = 20

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL pointing at PostgreSQL",
    ),
]


def test_simultaneous_checkouts_get_distinct_consecutive_numbers(app, live_server):
    ids = build_shop(app)
    bodies = [cart(ids, name=f"Shopper {n}") for n in range(SHOPPERS)]
    results = post_json_at_once(f"{live_server}/s/{ids.slug}/checkout", bodies)
    assert [status for status, _body in results] == [200] * SHOPPERS
    assert sorted(body["number"] for _status, body in results) == list(range(1, SHOPPERS + 1))
    recorded = orders(app, ids.shop)
    assert sorted(order.number for order in recorded) == list(range(1, SHOPPERS + 1))
    assert {order.customer_name for order in recorded} == {f"Shopper {n}" for n in range(SHOPPERS)}
    assert all(len(order.lines) == 2 for order in recorded)
    assert next_number(app, ids.shop) == SHOPPERS + 1


def test_simultaneous_double_taps_create_one_order_each(app, live_server):
    ids = build_shop(app)
    bodies = [cart(ids, name=f"Shopper {n}") for n in range(SHOPPERS // 2)]
    results = post_json_at_once(f"{live_server}/s/{ids.slug}/checkout", bodies + bodies)
    assert [status for status, _body in results] == [200] * len(results)
    half = SHOPPERS // 2
    assert [body for _s, body in results[:half]] == [body for _s, body in results[half:]]
    recorded = orders(app, ids.shop)
    assert sorted(order.number for order in recorded) == list(range(1, half + 1))
    # A number given back by a lost race is taken by the next order: no gaps.
    assert next_number(app, ids.shop) == half + 1


def test_ten_shoppers_racing_for_the_last_unit_get_it_once(app, live_server):
    """Each checkout takes stock with a conditional UPDATE: one wins, nine are told why."""
    from shop.extensions import db
    from shop.models import Item
    from tests.storefront.options_shop import build_options_shop, checkout_body

    ids = build_options_shop(app)
    with app.app_context():
        item = db.session.get(Item, ids.shirt)
        choices = {c.id: c for g in item.option_groups for c in g.choices}
        from tests import factories

        factories.set_variant_stock(item, [choices[ids.m], choices[ids.blue]], 1)
        db.session.commit()
    line = {"item_id": ids.shirt, "quantity": 1, "choices": [ids.m, ids.blue]}
    bodies = [checkout_body(ids, [line], name=f"Shopper {n}") for n in range(10)]
    url = f"{live_server}/s/{ids.slug}/checkout"
    results = post_json_at_once(url, bodies)
    statuses = sorted(status for status, _body in results)
    assert statuses == [200] + [422] * 9
    refusals = {body["error"] for status, body in results if status == 422}
    assert refusals == {
        "“Camiseta (Talla: M, Color: azul)” está agotado. Quítalo de tu carrito para continuar."
    }
    assert len(orders(app, ids.shop)) == 1
    with app.app_context():
        (row,) = db.session.get(Item, ids.shirt).variant_stock
        assert row.stock == 0
