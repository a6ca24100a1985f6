"""Adjusting an order before it ships, called directly: prices, stock, totals, history."""

from __future__ import annotations

import uuid

import pytest

from shop import ordering
from shop.extensions import db
from shop.models import ActivityKind, Item, Order, Shop, User
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


def _shop(ids) -> Shop:
    return db.session.get(Shop, ids.shop)


def _order(ids, lines=None, **kw) -> Order:
    order, _created = ordering.checkout(
        _shop(ids),
        lines or [(ids.shirt, 2), (ids.cap, 1)],
        shipping_method_id=kw.pop("shipping", ids.delivery),
        customer=Customer(name="Ana", address="Calle Mayor 1"),
        idempotency_key=str(uuid.uuid4()),
    )
    db.session.commit()
    return order


def _merchant(ids) -> User:
    return _shop(ids).owner


def _line(order, name):
    return next(line for line in order.lines if line.name == name)


def test_a_quantity_change_reprices_only_that_line(ids, ctx):
    order = _order(ids)
    shirt, cap = db.session.get(Item, ids.shirt), db.session.get(Item, ids.cap)
    shirt.price_minor, cap.price_minor = 2500, 999  # prices moved since the order
    db.session.commit()

    change = edit_order(
        order,
        Edit(quantities={_line(order, "Gorra").id: 3}),
        seen_version=0,
        by=_merchant(ids),
    )
    db.session.commit()

    order = db.session.get(Order, order.id)
    assert [(line.name, line.quantity, line.unit_price_minor) for line in order.lines] == [
        ("Camiseta azul", 2, 2000),  # untouched: the price recorded at order time
        ("Gorra", 3, 999),  # changed: today's price
    ]
    assert (order.subtotal_minor, order.shipping_price_minor, order.total_minor) == (
        4000 + 2997,
        300,
        7297,
    )
    assert order.version == 1
    assert change.kind == ActivityKind.EDIT
    assert change.changed_by_id == _merchant(ids).id
    assert change.details["changes"] == [{"label": "Gorra", "before": 1, "after": 3}]
    assert change.details["before"]["total_minor"] == 5150
    assert change.details["after"]["total_minor"] == 7297


def test_stock_is_taken_and_given_back_by_the_checkout_rules(ids, ctx):
    db.session.get(Item, ids.shirt).stock = 5
    db.session.commit()
    order = _order(ids)
    assert db.session.get(Item, ids.shirt).stock == 3
    line = _line(order, "Camiseta azul")

    edit_order(order, Edit(quantities={line.id: 4}), seen_version=0)
    db.session.commit()
    assert db.session.get(Item, ids.shirt).stock == 1

    with pytest.raises(EditError, match="Only 5 of"):  # its own 4 and 1 more
        edit_order(order, Edit(quantities={line.id: 6}), seen_version=1)
    db.session.rollback()
    assert db.session.get(Item, ids.shirt).stock == 1
    assert db.session.get(Order, order.id).lines[0].quantity == 4

    edit_order(db.session.get(Order, order.id), Edit(quantities={line.id: 0}), seen_version=1)
    db.session.commit()
    order = db.session.get(Order, order.id)
    assert db.session.get(Item, ids.shirt).stock == 5
    assert [line.name for line in order.lines] == ["Gorra"]
    assert order.total_minor == 850 + 300


def test_added_lines_with_options_and_a_new_shipping_method(ids, ctx):
    shirt = db.session.get(Item, ids.shirt)
    size = factories.make_group(shirt, "Talla", ["M", ("XL", 250)])
    xl = size.choices[1]
    db.session.commit()
    order = _order(ids, [(ids.cap, 1)])

    edit_order(
        order,
        Edit(added=[(ids.shirt, 2, [xl.id])], shipping_method_id=ids.pickup),
        seen_version=0,
    )
    db.session.commit()

    order = db.session.get(Order, order.id)
    added = order.lines[-1]
    assert (added.label, added.quantity, added.unit_price_minor) == (
        "Camiseta azul (Talla: XL)",
        2,
        2250,
    )
    assert added.options[0]["choice_id"] == xl.id
    assert (order.shipping_name, order.shipping_price_minor, order.shipping_needs_address) == (
        "Recogida en tienda",
        0,
        False,
    )
    assert order.total_minor == 850 + 4500


def test_an_added_product_is_refused_as_checkout_refuses_it(ids, ctx):
    order = _order(ids)
    for bad in [(ids.hidden, 1), (ids.sold_out, 1), (ids.other_item, 1), (ids.shirt, 1000)]:
        with pytest.raises(OrderError):
            edit_order(order, Edit(added=[bad]), seen_version=0)
        db.session.rollback()
    with pytest.raises(OrderError, match="no longer offered"):
        edit_order(order, Edit(shipping_method_id=ids.other_method), seen_version=0)
    db.session.rollback()
    assert db.session.get(Order, order.id).version == 0


@pytest.mark.parametrize("status", ["delivered", "cancelled"])
def test_a_delivered_or_cancelled_order_is_not_edited(ids, ctx, status):
    order = _order(ids)
    change_status(order, "confirmed")
    change_status(order, status)
    db.session.commit()
    with pytest.raises(EditError, match="cannot be changed"):
        edit_order(order, Edit(quantities={order.lines[0].id: 1}), seen_version=0)
    db.session.rollback()
    assert db.session.get(Order, order.id).lines[0].quantity == 2


def test_a_stale_form_is_told_and_changes_nothing(ids, ctx):
    order = _order(ids)
    line = order.lines[0]
    edit_order(order, Edit(quantities={line.id: 3}), seen_version=0)
    db.session.commit()
    with pytest.raises(EditConflict, match="changed meanwhile"):
        edit_order(order, Edit(quantities={line.id: 5}), seen_version=0)  # the other tab
    db.session.rollback()
    assert db.session.get(Order, order.id).lines[0].quantity == 3


def test_malformed_and_empty_edits_are_refused(ids, ctx):
    order = _order(ids)
    line = order.lines[0]
    for quantities in ({line.id: "-1"}, {line.id: "x"}, {line.id: "10" * 20}):
        with pytest.raises(EditError, match="whole number"):
            edit_order(order, Edit(quantities=quantities), seen_version=0)
    with pytest.raises(EditConflict):
        edit_order(order, Edit(quantities={999999: 1}), seen_version=0)
    with pytest.raises(NothingChanged):
        edit_order(order, Edit(quantities={line.id: 2}), seen_version=0)
    with pytest.raises(EditError, match="cancel it instead"):
        edit_order(order, Edit(quantities={line.id: 0 for line in order.lines}), seen_version=0)
    db.session.rollback()
    assert db.session.get(Order, order.id).version == 0


def test_a_line_keeps_its_discount_share_never_above_its_new_total(ids, ctx):
    order = _order(ids)
    shirt, cap = _line(order, "Camiseta azul"), _line(order, "Gorra")
    shirt.discount_minor, cap.discount_minor = 400, 85  # a 10 % coupon's split
    order.discount_minor, order.total_minor = 485, 5150 - 485
    db.session.commit()

    edit_order(order, Edit(quantities={shirt.id: 1}), seen_version=0)
    db.session.commit()
    order = db.session.get(Order, order.id)
    assert [line.discount_minor for line in order.lines] == [400, 85]
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (
        2850,
        485,
        2850 + 300 - 485,
    )
    assert order.subtotal_minor + order.shipping_price_minor - order.discount_minor == (
        order.total_minor
    )


def test_unicode_names_and_a_deleted_product_can_only_be_removed(ids, ctx):
    emoji = factories.make_item(_shop(ids), None, name="Café ☕ 🌻", price_minor=333)
    db.session.commit()
    order = _order(ids, [(emoji.id, 1), (ids.cap, 1)])
    db.session.delete(db.session.get(Item, emoji.id))
    db.session.commit()
    order = db.session.get(Order, order.id)
    line = _line(order, "Café ☕ 🌻")
    with pytest.raises(EditError, match="only be removed"):
        edit_order(order, Edit(quantities={line.id: 2}), seen_version=0)
    db.session.rollback()
    change = edit_order(order, Edit(quantities={line.id: 0}), seen_version=0)
    db.session.commit()
    assert change.details["changes"] == [{"label": "Café ☕ 🌻", "before": 1, "after": 0}]
