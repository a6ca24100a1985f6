"""An order recorded by hand: priced, numbered and stocked like a shopper's, marked as
entered by the shop, a double submit recording one."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.models import Item, Order, PaymentKind, PaymentMethod, Shop
from tests import factories
from tests.storefront.shopper import build_shop, post_cart

KEY = "manual-key-0123456789abcdef"


@pytest.fixture
def ids(app):
    ids = build_shop(app)
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        db.session.add(PaymentMethod(shop=shop, kind=PaymentKind.CASH, name="Efectivo", details=""))
        db.session.get(Item, ids.shirt).stock = 5
        db.session.commit()
    return ids


@pytest.fixture
def owner(app, client, ids, sign_in_as):
    with app.app_context():
        owner_id = db.session.get(Shop, ids.shop).owner_id
    sign_in_as(client, owner_id)
    return owner_id


def _payment(app, ids) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(PaymentMethod.id).where(PaymentMethod.shop_id == ids.shop)
        )


def _data(app, ids, **extra):
    return {
        "action": "save",
        "key": KEY,
        "new-count": "2",
        "new-item-0": str(ids.shirt),
        "new-qty-0": "2",
        "new-item-1": str(ids.cap),
        "new-qty-1": "1",
        "name": "Zoë 🌻 Núñez",
        "phone": "612 34 56 78",
        "address": "Calle Mayor 1",
        "shipping": str(ids.delivery),
        "payment": str(_payment(app, ids)),
        "paid": "1",
    } | extra


def test_a_recorded_order_is_priced_numbered_and_stocked_like_a_shoppers(app, client, ids, owner):
    shopper = post_cart(client, ids, payment_method_id=_payment(app, ids))  # #1
    assert shopper.status_code in (200, 201), shopper.get_data(as_text=True)
    page = client.get("/dashboard/orders/new")
    assert page.status_code == 200
    assert 'name="key"' in page.get_data(as_text=True)

    response = client.post("/dashboard/orders/new", data=_data(app, ids))
    assert response.status_code == 303
    with app.app_context():
        order = db.session.scalars(db.select(Order).order_by(Order.id.desc())).first()
        assert order.number == 2
        assert order.by_merchant
        assert [(line.name, line.quantity, line.line_total_minor) for line in order.lines] == [
            ("Camiseta azul", 2, 4000),
            ("Gorra", 1, 850),
        ]
        assert (order.shipping_price_minor, order.total_minor) == (300, 5150)
        assert order.customer_name == "Zoë 🌻 Núñez"
        assert order.customer_phone == "+34612345678"
        assert order.payment_name == "Efectivo"
        assert order.paid_by_id == owner
        assert order.status_changes[0].changed_by_id == owner
        assert db.session.get(Item, ids.shirt).stock == 1  # 2 for the shopper, 2 here
        order_id = order.id
    detail = client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True)
    assert "data-by-merchant" in detail
    listing = client.get("/dashboard/orders").get_data(as_text=True)
    assert "By the shop" in listing
    assert "data-new-order" in listing


def test_a_double_submit_records_one_order(app, client, ids, owner):
    first = client.post("/dashboard/orders/new", data=_data(app, ids))
    second = client.post("/dashboard/orders/new", data=_data(app, ids), follow_redirects=True)
    assert first.status_code == 303
    assert "already recorded" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Order)) == 1
        assert db.session.get(Item, ids.shirt).stock == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"name": " "}, "Write your name"),
        ({"new-qty-0": "6"}, "Only 5 of"),
        ({"new-item-0": "99999999"}, "no longer available"),
        ({"shipping": ""}, "Choose how"),
        ({"phone": "12"}, "number"),
        ({"key": "short"}, "out of date"),
    ],
)
def test_a_refused_order_says_why_and_records_nothing(app, client, ids, owner, extra, message):
    response = client.post("/dashboard/orders/new", data=_data(app, ids, **extra))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Order)) == 0
        assert db.session.get(Item, ids.shirt).stock == 5


def test_another_shops_product_is_refused_and_never_shown(app, client, ids, owner):
    response = client.post(
        "/dashboard/orders/new",
        data=_data(app, ids, **{"new-item-1": str(ids.other_item), "action": "add"}),
    )
    assert "Ajena" not in response.get_data(as_text=True)
    response = client.post(
        "/dashboard/orders/new", data=_data(app, ids, **{"new-item-1": str(ids.other_item)})
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Order)) == 0


def test_staff_may_record_an_order(app, client, ids, sign_in_as):
    from shop.models import Membership, Role

    with app.app_context():
        staff = factories.make_user("Luz", "luz@example.com")
        db.session.add(Membership(shop_id=ids.shop, user=staff, role=Role.STAFF))
        db.session.commit()
        staff_id = staff.id
    sign_in_as(client, staff_id)
    response = client.post("/dashboard/orders/new", data=_data(app, ids))
    assert response.status_code == 303
