"""Changing a line's choices ("L instead of M") and the shopper's details on an order,
called directly: checked by checkout's own rules, priced as today, stock moved between
sizes, recorded in the history with before and after."""

from __future__ import annotations

import uuid

import pytest

from shop import ordering
from shop.extensions import db
from shop.models import Customer as CustomerRow
from shop.models import Item, Order, OrderStatus, PhonePolicy, Shop, VariantStock
from shop.ordering import Customer, OrderError
from shop.ordering.edits import Edit, EditConflict, EditError, NothingChanged, edit_order
from shop.ordering.statuses import change_status
from tests import factories
from tests.storefront.shopper import build_shop


@pytest.fixture
def ids(app):
    return build_shop(app)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _sized_shirt(ids, m_units=5, l_units=1):
    """The shirt in sizes M and L (+2,50), with stock per size; returns (M, L) choices."""
    shirt = db.session.get(Item, ids.shirt)
    size = factories.make_group(shirt, "Talla", ["M", ("L", 250)], kind="size")
    m, large = size.choices
    factories.set_variant_stock(shirt, [m], m_units)
    factories.set_variant_stock(shirt, [large], l_units)
    db.session.commit()
    return m, large


def _order(ids, lines, **kw) -> Order:
    order, _created = ordering.checkout(
        db.session.get(Shop, ids.shop),
        lines,
        shipping_method_id=kw.pop("shipping", ids.delivery),
        customer=Customer(name="Ana", address="Calle Mayor 1", phone=kw.pop("phone", "")),
        idempotency_key=str(uuid.uuid4()),
    )
    db.session.commit()
    return order


def _units(choice) -> int:
    return db.session.scalars(
        db.select(VariantStock.stock).where(VariantStock.key == str(choice.id))
    ).one()


def test_a_new_size_is_priced_as_today_and_moves_the_stock_between_sizes(ids, ctx):
    m, large = _sized_shirt(ids)
    order = _order(ids, [(ids.shirt, 1, [m.id]), (ids.cap, 1)])
    assert (_units(m), _units(large)) == (4, 1)
    shirt_line = order.lines[0]

    change = edit_order(order, Edit(choices={shirt_line.id: [str(large.id)]}), seen_version=0)
    db.session.commit()

    order = db.session.get(Order, order.id)
    line = order.lines[0]
    assert (line.label, line.unit_price_minor, line.quantity) == (
        "Camiseta azul (Talla: L)",
        2250,
        1,
    )
    assert line.options[0]["choice_id"] == large.id
    assert order.lines[1].unit_price_minor == 850  # untouched: its price at order time
    assert order.total_minor == 2250 + 850 + 300
    assert (_units(m), _units(large)) == (5, 0)
    assert change.details["changes"] == [
        {"label": "Camiseta azul (Talla: L)", "before": 1, "after": 1,
         "before_label": "Camiseta azul (Talla: M)"},
    ]  # fmt: skip
    assert change.details["before"]["total_minor"] == 2000 + 850 + 300


def test_choices_are_refused_as_checkout_refuses_them(ids, ctx):
    m, large = _sized_shirt(ids, l_units=0)
    order = _order(ids, [(ids.shirt, 1, [m.id])])
    line = order.lines[0]
    other_shirt = factories.make_item(db.session.get(Shop, ids.other_shop), None, name="Ajena")
    theirs = factories.make_group(other_shirt, "Talla", ["S"]).choices[0]
    db.session.commit()
    cases = [
        ([], "Choose Talla"),  # a required group left empty
        ([m.id, large.id], "at most 1"),
        ([theirs.id], "no longer offered"),  # another shop's choice
        ([large.id], "L"),  # no units of L left
        (["x"], "again"),
        ([str(n) for n in range(1, 60)], "again"),  # more choices than any product has
    ]
    for choices, message in cases:
        with pytest.raises(OrderError, match=message):
            edit_order(order, Edit(choices={line.id: choices}), seen_version=0)
        db.session.rollback()
    order = db.session.get(Order, order.id)
    assert (order.version, order.lines[0].options[0]["choice_id"]) == (0, m.id)
    assert _units(m) == 4
    with pytest.raises(NothingChanged):
        edit_order(order, Edit(choices={line.id: [m.id]}), seen_version=0)
    with pytest.raises(EditConflict):
        edit_order(order, Edit(choices={999999: [m.id]}), seen_version=0)


def test_the_shoppers_details_are_checked_recorded_and_move_the_order_to_its_customer(ids, ctx):
    order = _order(ids, [(ids.cap, 1)], phone="612345678")
    ana = order.customer_id
    edit_order(
        order,
        Edit(
            customer=Customer(name="  Zoë   🌻 ", phone="+34 699 11 12 13", address="Calle Luna 2")
        ),
        seen_version=0,
    )
    db.session.commit()
    order = db.session.get(Order, order.id)
    assert (order.customer_name, order.customer_phone, order.customer_address) == (
        "Zoë 🌻", "+34699111213", "Calle Luna 2",
    )  # fmt: skip
    assert order.customer_id != ana
    zoe = db.session.get(CustomerRow, order.customer_id)
    assert (zoe.key, zoe.shop_id) == ("+34699111213", ids.shop)
    history = order.status_changes[-1].details
    assert history["customer"] == [
        ["name", "Ana", "Zoë 🌻"],
        ["phone", "+34612345678", "+34699111213"],
        ["address", "Calle Mayor 1", "Calle Luna 2"],
    ]
    assert history["changes"] == []
    assert order.total_minor == history["before"]["total_minor"]


def test_details_are_refused_as_checkout_refuses_them(ids, ctx):
    order = _order(ids, [(ids.cap, 1)])
    shop = db.session.get(Shop, ids.shop)
    shop.ask_phone = PhonePolicy.OPTIONAL
    db.session.commit()
    cases = [
        (Customer(name="   "), "name"),
        (Customer(name="x" * 500, address="Calle 1"), "name"),
        (Customer(name="Ana", address=""), "address"),  # delivery needs one
        (Customer(name="Ana", address="a" * 5000), "address"),
        (Customer(name="Ana", address="Calle 1", phone="no es un número"), "phone"),
    ]
    for typed, field in cases:
        with pytest.raises(OrderError) as raised:
            edit_order(order, Edit(customer=typed), seen_version=0)
        assert raised.value.field == field
        db.session.rollback()
    with pytest.raises(NothingChanged):
        edit_order(
            order, Edit(customer=Customer(name="Ana", address="Calle Mayor 1")), seen_version=0
        )
    assert db.session.get(Order, order.id).version == 0


def test_a_pickup_drops_the_address_and_a_shop_without_numbers_keeps_the_one_it_has(ids, ctx):
    order = _order(ids, [(ids.cap, 1)], phone="612345678")
    shop = db.session.get(Shop, ids.shop)
    shop.ask_phone = PhonePolicy.OFF
    db.session.commit()
    edit_order(
        order,
        Edit(shipping_method_id=ids.pickup, customer=Customer(name="Ana", address="Calle 9")),
        seen_version=0,
    )
    db.session.commit()
    order = db.session.get(Order, order.id)
    assert (order.shipping_name, order.customer_address) == ("Recogida en tienda", "")
    assert order.customer_phone == "+34612345678"


@pytest.mark.parametrize("status", [OrderStatus.DELIVERED, OrderStatus.CANCELLED])
def test_a_delivered_or_cancelled_orders_choices_and_details_stay(ids, ctx, status):
    m, large = _sized_shirt(ids)
    order = _order(ids, [(ids.shirt, 1, [m.id])])
    if status == OrderStatus.DELIVERED:
        change_status(order, OrderStatus.CONFIRMED)
    change_status(order, status)
    db.session.commit()
    for edit in (
        Edit(choices={order.lines[0].id: [large.id]}),
        Edit(customer=Customer(name="Otra", address="Calle 3")),
    ):
        with pytest.raises(EditError, match="cannot be changed"):
            edit_order(order, edit, seen_version=order.version)
        db.session.rollback()
    order = db.session.get(Order, order.id)
    assert (order.customer_name, order.lines[0].options[0]["choice_id"]) == ("Ana", m.id)


def test_a_stale_tab_changing_details_is_told_not_overwriting(ids, ctx):
    order = _order(ids, [(ids.cap, 1)])
    edit_order(order, Edit(customer=Customer(name="Ana Sol", address="Calle 1")), seen_version=0)
    db.session.commit()
    with pytest.raises(EditConflict, match="changed meanwhile"):
        edit_order(
            order, Edit(customer=Customer(name="Ana Luna", address="Calle 2")), seen_version=0
        )
    db.session.rollback()
    assert db.session.get(Order, order.id).customer_name == "Ana Sol"
