"""The order's rows worked out before the writes (shop/ordering/order_rows.py): the order
the checkout answers with is exactly the one the database holds, read back by nothing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, inspect, select

from shop import ordering
from shop.extensions import db
from shop.models import Activity, Item, Order, OrderLine, Shop
from shop.models.customers import customer_key
from shop.ordering import Customer
from shop.ordering.order_rows import order_rows
from tests.storefront.shopper import build_shop

COLUMNS = [attribute.key for attribute in inspect(Order).column_attrs]
LINE_COLUMNS = [attr.key for attr in inspect(OrderLine).column_attrs if attr.key != "id"]


@pytest.fixture
def ids(app):
    return build_shop(app)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _place(ids, **customer):
    shop = db.session.get(Shop, ids.shop)
    customer = {"name": "Ana 🛍️ Núñez", "address": "Calle Mayor 1", "notes": "Timbre 2º"} | customer
    return ordering.checkout(
        shop,
        [(ids.shirt, 2), (ids.cap, 1)],
        shipping_method_id=ids.delivery,
        customer=Customer(**customer),
        idempotency_key=str(uuid.uuid4()),
    )


def _statements(run) -> list[str]:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return seen


def test_the_answer_is_the_row_the_database_holds(ids, ctx):
    order, created = _place(ids, phone="+34 612 345 678")
    db.session.commit()
    assert created
    answered = {key: getattr(order, key) for key in COLUMNS}
    lines = [{key: getattr(line, key) for key in LINE_COLUMNS} for line in order.lines]
    db.session.expunge_all()  # read it back as a new request would
    stored = db.session.get(Order, answered["id"])
    assert {key: getattr(stored, key) for key in COLUMNS} == answered
    assert [{key: getattr(line, key) for key in LINE_COLUMNS} for line in stored.lines] == lines
    assert stored.customer_key == customer_key("Ana 🛍️ Núñez", "+34612345678")
    assert stored.customer is not None
    assert stored.customer.name == "Ana 🛍️ Núñez"
    assert [change.status for change in stored.status_changes] == ["new"]


def test_the_answer_reads_nothing_back_but_the_customer(ids, ctx):
    order, _created = _place(ids)  # the view commits keeping it loaded: nothing expires
    columns = [key for key in COLUMNS if key != "customer_id"]
    assert _statements(lambda: [getattr(order, key) for key in columns]) == []
    lines = order.lines
    assert _statements(lambda: [(line.name, line.options, line.stock_taken) for line in lines]) == (
        []
    )
    assert order.shop.id == ids.shop
    # The customer is the trigger's, so the ORM asks for it: the value the database wrote.
    read = _statements(lambda: order.customer_id)
    assert len(read) == 1
    assert order.customer_id == db.session.scalar(
        select(Order.customer_id).where(Order.id == order.id)
    )


def test_rows_give_every_column_the_database_does_not_write(ids, ctx):
    shop = db.session.get(Shop, ids.shop)
    cart = ordering.price_cart(shop, [(ids.shirt, 1)], ids.delivery)
    rows = order_rows(shop, cart, Customer(name="Ana", address="Calle 1"), "k" * 20)
    late = {"number", "created_at"}
    assert set(rows.order) | late == set(COLUMNS) - {"id", "customer_id"}
    assert set(rows.lines[0]) | {"order_id"} == set(LINE_COLUMNS)
    assert not db.session.new  # nothing is added to the session before the writes


def test_a_refused_stock_take_writes_nothing(ids, ctx):
    db.session.get(Item, ids.cap).stock = 1
    db.session.commit()
    orders = db.session.scalar(select(db.func.count()).select_from(Order))
    with pytest.raises(ordering.OrderError, match="Only 1"):
        ordering.checkout(
            db.session.get(Shop, ids.shop),
            [(ids.shirt, 1), (ids.cap, 1), (ids.cap, 1)],
            shipping_method_id=ids.delivery,
            customer=Customer(name="Ana", address="Calle 1"),
            idempotency_key=str(uuid.uuid4()),
        )
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == orders
    assert db.session.scalar(select(db.func.count()).select_from(Activity)) == orders
    assert db.session.get(Item, ids.cap).stock == 1
