"""Ordering rules, called directly: pricing from the database, refusals, numbers, keys."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from shop import ordering
from shop.extensions import db
from shop.models import Item, Order, OrderStatus, Shop
from shop.ordering import Customer, OrderError, ShopPaused
from tests import factories
from tests.storefront.shopper import build_shop


@pytest.fixture
def ids(app):
    return build_shop(app)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _shop(ids) -> Shop:
    return db.session.get(Shop, ids.shop)


def _checkout(ids, lines, *, shipping=None, key=None, **customer):
    customer = {"name": "Ana", "address": "Calle Mayor 1"} | customer
    return ordering.checkout(
        _shop(ids),
        lines,
        shipping_method_id=ids.delivery if shipping is None else shipping,
        customer=Customer(**customer),
        idempotency_key=key or str(uuid.uuid4()),
    )


def _order_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def test_prices_the_cart_from_the_database(ids, ctx):
    cart = ordering.price_cart(_shop(ids), [(ids.shirt, 2), (str(ids.cap), "1")], ids.delivery)
    assert [(line.item.name, line.quantity, line.line_total_minor) for line in cart.lines] == [
        ("Camiseta azul", 2, 4000),
        ("Gorra", 1, 850),
    ]
    assert (cart.subtotal_minor, cart.shipping_minor, cart.total_minor) == (4850, 300, 5150)


def test_merges_an_item_listed_twice(ids, ctx):
    cart = ordering.price_cart(_shop(ids), [(ids.shirt, 2), (ids.shirt, 3)], ids.delivery)
    assert [(line.item.id, line.quantity) for line in cart.lines] == [(ids.shirt, 5)]


def test_refuses_an_empty_cart(ids, ctx):
    with pytest.raises(OrderError, match="empty"):
        ordering.price_cart(_shop(ids), [], ids.delivery)


@pytest.mark.parametrize("which", ["hidden", "other_item", "missing", "not_a_number"])
def test_refuses_items_shoppers_cannot_order(ids, ctx, which):
    item_id = {"missing": 987654, "not_a_number": "camiseta"}.get(which) or getattr(ids, which)
    with pytest.raises(OrderError, match="no longer available") as error:
        ordering.price_cart(_shop(ids), [(ids.shirt, 1), (item_id, 1)], ids.delivery)
    if which != "not_a_number":
        assert error.value.item_id == item_id


def test_refuses_a_sold_out_item_by_name(ids, ctx):
    with pytest.raises(OrderError, match="“Agotada” is sold out") as error:
        ordering.price_cart(_shop(ids), [(ids.sold_out, 1)], ids.delivery)
    assert error.value.item_id == ids.sold_out


@pytest.mark.parametrize(
    "quantity",
    [0, -1, "-1", 1.5, "1.5", "2,0", "abc", "", None, 1000, "1000", True, "1e3", "²", [1]],
)
def test_refuses_quantities_that_are_not_whole_numbers_from_1_to_999(ids, ctx, quantity):
    with pytest.raises(OrderError, match="whole number from 1 to 999") as error:
        ordering.price_cart(_shop(ids), [(ids.shirt, quantity)], ids.delivery)
    assert error.value.item_id == ids.shirt


def test_refuses_a_merged_quantity_over_999(ids, ctx):
    with pytest.raises(OrderError, match="from 1 to 999"):
        ordering.price_cart(_shop(ids), [(ids.shirt, 500), (ids.shirt, 500)], ids.delivery)


def test_accepts_999_and_whole_floats(ids, ctx):
    cart = ordering.price_cart(_shop(ids), [(ids.shirt, 999), (ids.cap, 2.0)], ids.delivery)
    assert [line.quantity for line in cart.lines] == [999, 2]


def test_refuses_more_than_100_lines(ids, ctx):
    with pytest.raises(OrderError, match="at most 100 different products"):
        ordering.price_cart(_shop(ids), [(ids.shirt, 1)] * 101, ids.delivery)


def test_requires_a_shipping_method_when_the_shop_has_active_ones(ids, ctx):
    for method in (None, ""):
        with pytest.raises(OrderError, match="how you want to receive") as error:
            ordering.price_cart(_shop(ids), [(ids.shirt, 1)], method)
        assert error.value.field == "shipping"


@pytest.mark.parametrize("which", ["retired", "other_method", "junk"])
def test_refuses_retired_foreign_or_made_up_shipping_methods(ids, ctx, which):
    method = "express" if which == "junk" else getattr(ids, which)
    with pytest.raises(OrderError, match="no longer offered"):
        ordering.price_cart(_shop(ids), [(ids.shirt, 1)], method)


def test_a_cart_of_services_needs_no_shipping(ids, ctx):
    cart = ordering.price_cart(_shop(ids), [(ids.service, 1)], None)
    assert cart.shipping is None
    assert cart.total_minor == 1500


def test_a_shop_without_shipping_methods_needs_none(ids, ctx):
    shop = factories.make_shop(factories.make_user())
    item = factories.make_item(shop)
    cart = ordering.price_cart(shop, [(item.id, 1)], "whatever")
    assert cart.shipping is None


def test_requires_a_name(ids, ctx):
    with pytest.raises(OrderError, match="Write your name") as error:
        _checkout(ids, [(ids.shirt, 1)], name="  \n\t ")
    assert error.value.field == "name"
    assert _order_count() == 0


def test_requires_an_address_only_for_a_method_that_delivers(ids, ctx):
    with pytest.raises(OrderError, match="address") as error:
        _checkout(ids, [(ids.shirt, 1)], address="   ")
    assert error.value.field == "address"
    order, created = _checkout(ids, [(ids.shirt, 1)], shipping=ids.pickup, address="")
    assert created
    assert order.shipping_name == "Recogida en tienda"
    assert order.shipping_needs_address is False


def test_drops_an_address_typed_for_pickup(ids, ctx):
    order, _ = _checkout(ids, [(ids.shirt, 1)], shipping=ids.pickup, address="Calle Mayor 1")
    assert order.customer_address == ""


@pytest.mark.parametrize(
    ("field", "limit"),
    [("name", ordering.MAX_NAME), ("address", ordering.MAX_ADDRESS), ("notes", ordering.MAX_NOTES)],
)
def test_refuses_overlong_customer_details(ids, ctx, field, limit):
    with pytest.raises(OrderError, match=f"at most {limit} characters") as error:
        _checkout(ids, [(ids.shirt, 1)], **{field: "x" * (limit + 1)})
    assert error.value.field == field


def test_cleans_control_characters_and_keeps_new_lines(ids, ctx):
    order, _ = _checkout(
        ids,
        [(ids.shirt, 1)],
        name="Ana\x00 \u202eMaría",
        address="Calle Mayor 1\r\n2º B\x07",
        notes="Timbre roto\nLlamar",
    )
    assert order.customer_name == "Ana María"
    assert order.customer_address == "Calle Mayor 1\n2º B"
    assert order.customer_notes == "Timbre roto\nLlamar"


def test_records_snapshots_a_token_and_the_new_status(ids, ctx):
    order, created = _checkout(ids, [(ids.shirt, 2), (ids.cap, 1)], notes="Sin prisa")
    db.session.commit()
    assert created
    assert order.number == 1
    assert len(order.token) == 43
    assert order.status == OrderStatus.NEW
    assert [change.status for change in order.status_changes] == [OrderStatus.NEW]
    assert [
        (ln.name, ln.unit_price_minor, ln.quantity, ln.line_total_minor) for ln in order.lines
    ] == [
        ("Camiseta azul", 2000, 2, 4000),
        ("Gorra", 850, 1, 850),
    ]
    assert (order.subtotal_minor, order.shipping_price_minor, order.total_minor) == (
        4850,
        300,
        5150,
    )
    assert (order.currency, order.language) == ("EUR", "en")
    assert (order.shipping_name, order.shipping_needs_address) == ("Entrega a domicilio", True)
    # Editing the catalog later never changes a placed order.
    item = db.session.get(Item, ids.shirt)
    item.name, item.price_minor = "Camiseta roja", 9999
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Order, order.id).lines[0].name == "Camiseta azul"
    assert db.session.get(Order, order.id).lines[0].unit_price_minor == 2000


def test_numbers_are_sequential_per_shop(ids, ctx):
    numbers = [_checkout(ids, [(ids.shirt, 1)])[0].number for _ in range(3)]
    other = db.session.get(Shop, ids.other_shop)
    foreign, _ = ordering.checkout(
        other,
        [(ids.other_item, 1)],
        shipping_method_id=ids.other_method,
        customer=Customer(name="Luis", address="Sol 2"),
        idempotency_key=str(uuid.uuid4()),
    )
    assert numbers == [1, 2, 3]
    assert foreign.number == 1
    assert _shop(ids).next_order_number == 4


def test_the_same_key_returns_the_same_order(ids, ctx):
    key = str(uuid.uuid4())
    first, created = _checkout(ids, [(ids.shirt, 1)], key=key)
    db.session.commit()
    again, created_again = _checkout(ids, [(ids.cap, 5)], key=key)
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert _order_count() == 1


@pytest.mark.parametrize(
    "key", [None, "", "short", "x" * 65, "has spaces in it!!", 12345678901234567]
)
def test_refuses_a_missing_or_malformed_key(ids, ctx, key):
    with pytest.raises(OrderError, match="Reload"):
        ordering.checkout(
            _shop(ids),
            [(ids.shirt, 1)],
            shipping_method_id=ids.delivery,
            customer=Customer(name="Ana", address="x"),
            idempotency_key=key,
        )


def test_a_paused_shop_records_nothing_and_says_why(ids, ctx):
    shop = _shop(ids)
    shop.paused, shop.pause_message = True, "Cerrado por vacaciones hasta el 1 de septiembre"
    with pytest.raises(ShopPaused, match="Cerrado por vacaciones"):
        _checkout(ids, [(ids.shirt, 1)])
    assert _order_count() == 0
    assert shop.next_order_number == 1


def test_a_paused_shop_without_a_message_still_explains(ids, ctx):
    _shop(ids).paused = True
    with pytest.raises(ShopPaused, match="not taking orders"):
        _checkout(ids, [(ids.shirt, 1)])


def test_take_order_number_advances_the_counter(ids, ctx):
    shop = _shop(ids)
    assert [ordering.take_order_number(shop) for _ in range(3)] == [1, 2, 3]
    assert shop.next_order_number == 4
    db.session.rollback()
    assert _shop(ids).next_order_number == 1  # a rolled-back checkout gives its number back


def test_order_by_token_finds_only_exact_tokens(ids, ctx):
    order, _ = _checkout(ids, [(ids.shirt, 1)])
    db.session.commit()
    assert ordering.order_by_token(order.token).id == order.id
    for token in ("", order.token[:-1], order.token.upper(), "x" * 500):
        assert ordering.order_by_token(token) is None
