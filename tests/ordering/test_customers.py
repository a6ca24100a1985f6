"""Customers made from orders at checkout: one per number (however written) or per name,
totals counted from the orders, merging by hand, the "returning" mark."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Customer, Order, OrderStatus, PhonePolicy, Shop
from shop.ordering.customers import (
    CustomerError,
    customers_page,
    is_returning,
    merge,
    merge_choices,
    save_details,
    totals_of,
)
from shop.ordering.statuses import change_status
from tests.storefront.shopper import build_shop, post_cart


@pytest.fixture
def ids(app):
    ids = build_shop(app)
    with app.app_context():
        db.session.get(Shop, ids.shop).ask_phone = PhonePolicy.OPTIONAL
        db.session.commit()
    return ids


def _customers(app, shop_id):
    with app.app_context():
        found = db.session.scalars(
            select(Customer).where(Customer.shop_id == shop_id).order_by(Customer.id)
        ).all()
        db.session.expunge_all()
        return found


def _order_customers(app, shop_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(Order.customer_id).where(Order.shop_id == shop_id).order_by(Order.number)
            )
        )


def test_numbers_written_differently_are_one_customer(app, client, ids):
    for name, phone in [
        ("Ana", "+34 612 34 56 78"),
        ("Ana G.", "612345678"),
        ("ana", "612-345-678"),
    ]:
        assert post_cart(client, ids, name=name, phone=phone).status_code == 200
    (customer,) = _customers(app, ids.shop)
    assert (customer.phone, customer.name, customer.key) == ("+34612345678", "Ana", "+34612345678")
    assert _order_customers(app, ids.shop) == [customer.id] * 3


def test_without_a_number_the_name_matches_in_any_case_and_spacing(app, client, ids):
    for name in ["Zoë 🌻", "  ZOË   🌻 ", "Zoe"]:
        assert post_cart(client, ids, name=name).status_code == 200
    first, second = _customers(app, ids.shop)
    assert (first.name, first.key, second.key) == ("Zoë 🌻", "n:zoë 🌻", "n:zoe")
    assert _order_customers(app, ids.shop) == [first.id, first.id, second.id]


def test_a_malformed_number_orders_nothing_and_makes_no_customer(app, client, ids):
    assert post_cart(client, ids, phone="12ab").status_code == 422
    assert _customers(app, ids.shop) == []


def test_another_shops_shopper_with_the_same_number_is_another_customer(app, client, ids):
    assert post_cart(client, ids, phone="612345678").status_code == 200
    with app.app_context():
        other = db.session.get(Shop, ids.other_shop)
        other.ask_phone = PhonePolicy.OPTIONAL
        db.session.commit()
    body = {
        "lines": [{"item_id": ids.other_item, "quantity": 1}],
        "shipping_method_id": ids.other_method,
        "address": "Calle 2",
    }
    assert post_cart(client, ids, slug="otra-tienda", phone="612345678", **body).status_code == 200
    (mine,), (theirs,) = _customers(app, ids.shop), _customers(app, ids.other_shop)
    assert mine.id != theirs.id
    assert mine.key == theirs.key


def test_totals_come_from_the_orders_and_leave_cancelled_ones_out(app, client, ids):
    for _ in range(3):
        assert post_cart(client, ids, phone="612345678").status_code == 200
    with app.app_context():
        orders = db.session.scalars(select(Order).order_by(Order.number)).all()
        change_status(orders[0], OrderStatus.CANCELLED, by=None)
        db.session.commit()
        (customer,) = db.session.scalars(select(Customer)).all()
        totals = totals_of([customer.id])[customer.id]
        assert (totals.orders, totals.spent_minor) == (3, 2 * orders[1].total_minor)
        assert (totals.first_at, totals.last_at) == (orders[0].created_at, orders[2].created_at)
        assert [is_returning(o) for o in orders] == [False, True, True]
        page, more = customers_page(db.session.get(Shop, ids.shop))
        assert [(c.id, t.orders) for c, t in page] == [(customer.id, 3)]
        assert not more


def test_merging_moves_orders_details_and_the_next_orders(app, client, ids):
    assert post_cart(client, ids, name="Ana", phone="612345678").status_code == 200
    assert post_cart(client, ids, name="Ana García").status_code == 200
    with app.test_request_context():
        keep, other = db.session.scalars(select(Customer).order_by(Customer.id)).all()
        save_details(keep, "Prefiere tarde", "vip")
        save_details(other, "Alergia 🥜", "VIP, mayorista")
        assert merge_choices(keep, "garcía") == [other]
        assert merge(keep, other) == 1
        db.session.commit()
        assert keep.tags == "vip, mayorista"
        assert keep.note == "Prefiere tarde\n\nAlergia 🥜"
        with pytest.raises(CustomerError):  # a double submit changes nothing
            merge(keep, other)
        with pytest.raises(CustomerError):
            merge(keep, keep)
        keep_id, other_id = keep.id, other.id
        page, _more = customers_page(db.session.get(Shop, ids.shop))
        assert [c.id for c, _t in page] == [keep_id]
    # The merged customer's name still finds them: the next order goes to the one kept.
    assert post_cart(client, ids, name="ana garcía").status_code == 200
    assert _order_customers(app, ids.shop) == [keep_id] * 3
    with app.app_context():
        assert totals_of([keep_id])[keep_id].orders == 3
        assert db.session.get(Customer, other_id).merged_into_id == keep_id


def test_notes_and_tags_are_cleaned_and_bounded(app, client, ids):
    assert post_cart(client, ids).status_code == 200
    with app.test_request_context():
        (customer,) = db.session.scalars(select(Customer)).all()
        save_details(customer, "  nota\u202e ", " vip ,  , VIP, 🌟 fiel ")
        assert customer.tag_list == ["vip", "🌟 fiel"]
        with pytest.raises(CustomerError):
            save_details(customer, "x" * 5000, "")
        with pytest.raises(CustomerError):
            save_details(customer, "", ",".join(f"tag{i}" for i in range(200)))


def test_search_finds_names_in_any_case_numbers_and_tags(app, client, ids):
    assert post_cart(client, ids, name="ZOË", phone="612345678").status_code == 200
    assert post_cart(client, ids, name="Luis 100%").status_code == 200
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        zoe = db.session.scalars(select(Customer).where(Customer.name == "ZOË")).one()
        save_details(zoe, "", "mayorista")

        def found(query):
            return [c.name for c, _t in customers_page(shop, query)[0]]

        assert found("zoë") == ["ZOË"]
        assert found("345 678") == ["ZOË"]
        assert found("Mayor") == ["ZOË"]
        assert found("100%") == ["Luis 100%"]
        assert found("%") == ["Luis 100%"]  # a LIKE wildcard matches itself only
        assert found("x" * 10_000) == []


def test_the_order_names_its_customer_in_the_request_that_placed_it(app, ids):
    from shop.ordering.cart import Customer as Shopper
    from shop.ordering.checkout import checkout

    with app.test_request_context():
        shop = db.session.get(Shop, ids.shop)
        order, created = checkout(
            shop,
            [(ids.shirt, 1)],
            shipping_method_id=ids.pickup,
            customer=Shopper(name="Zoë", address="", notes="", phone="612345678"),
            idempotency_key="k" * 20,
        )
        assert created
        customer = db.session.scalars(select(Customer)).one()
        assert order.customer_id == customer.id
        db.session.rollback()
