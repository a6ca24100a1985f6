"""Coupons and automatic discounts through the real checkout rules and database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from shop import ordering
from shop.extensions import db
from shop.models import Category, Discount, Order, OrderStatus, Shop
from shop.ordering import Customer, OrderError
from shop.ordering.coupon_edits import DiscountError, save_discount, set_active
from shop.ordering.coupons import shop_today
from shop.ordering.statuses import change_status
from tests.storefront.shopper import build_shop

NOON = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def ids(app):
    return build_shop(app, ask_phone="optional")


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _shop(ids) -> Shop:
    return db.session.get(Shop, ids.shop)


def _coupon(ids, code="VERANO10", kind="percent", value=1000, **fields) -> Discount:
    discount = save_discount(_shop(ids), None, code=code, name="", kind=kind, value=value, **fields)
    db.session.commit()
    return discount


def _checkout(ids, code="", lines=None, *, phone="", now=NOON, shipping=None):
    order, _created = ordering.checkout(
        _shop(ids),
        lines or [(ids.shirt, 2), (ids.cap, 1)],
        shipping_method_id=ids.delivery if shipping is None else shipping,
        customer=Customer(name="Ana", address="Calle Mayor 1", phone=phone),
        idempotency_key=str(uuid.uuid4()),
        now=now,
        coupon_code=code,
    )
    db.session.commit()
    return order


def _orders() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


# -- Each kind, stored on the order and its lines ---------------------------------


def test_a_percentage_code_typed_in_any_case_discounts_the_order(ids, ctx):
    coupon = _coupon(ids)
    order = _checkout(ids, " verano10 ")
    # 2 x 20,00 + 8,50 = 48,50; 10 % = 4,85; shipping 3,00 stays.
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (4850, 485, 4665)
    assert order.discount_code == "VERANO10"
    assert order.discount_id == coupon.id
    assert [line.discount_minor for line in order.lines] == [400, 85]
    assert sum(line.discount_minor for line in order.lines) == order.discount_minor
    db.session.refresh(coupon)
    assert coupon.uses == 1


def test_a_fixed_amount_never_takes_more_than_the_eligible_lines(ids, ctx):
    caps = db.session.scalar(select(Category).where(Category.name == "Gorras"))
    _coupon(ids, "GORRA", kind="fixed", value=5000, category_ids=[caps.id])
    order = _checkout(ids, "gorra")
    assert [line.discount_minor for line in order.lines] == [0, 850]
    assert order.total_minor == 4850 + 300 - 850


def test_free_shipping_takes_off_the_shipping_only(ids, ctx):
    _coupon(ids, "ENVIO", kind="free_shipping", value=0)
    order = _checkout(ids, "ENVIO")
    assert (order.discount_minor, order.discount_shipping_minor) == (300, 300)
    assert order.total_minor == 4850
    assert [line.discount_minor for line in order.lines] == [0, 0]


def test_free_shipping_on_a_free_method_is_refused_with_a_message(ids, ctx):
    _coupon(ids, "ENVIO", kind="free_shipping", value=0)
    with pytest.raises(OrderError, match="already free") as error:
        _checkout(ids, "ENVIO", shipping=ids.pickup)
    assert error.value.field == "coupon"


def test_a_plain_cart_has_no_discount(ids, ctx):
    _coupon(ids)
    order = _checkout(ids)
    assert (order.discount_code, order.discount_minor, order.discount_id) == ("", 0, None)
    assert order.total_minor == 5150


# -- Refusals: the shopper is told, nothing is recorded ---------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("NOPE", "There is no code NOPE"),
        # A Cyrillic A where the Latin one should be is another code, never this one.
        ("VER\u0410NO10", "There is no such code"),
        ("<script>alert(1)</script>", "There is no such code"),
        ("🎉" * 500, "There is no such code"),
    ],
)
def test_a_code_that_is_not_there_is_refused(ids, ctx, typed, message):
    _coupon(ids)
    with pytest.raises(OrderError, match=message) as error:
        _checkout(ids, typed)
    assert error.value.field == "coupon"
    db.session.rollback()
    assert _orders() == 0


def test_another_shops_code_does_not_work_here(ids, ctx):
    other = db.session.get(Shop, ids.other_shop)
    save_discount(other, None, code="AJENO", name="", kind="percent", value=5000)
    db.session.commit()
    with pytest.raises(OrderError, match="There is no code AJENO"):
        _checkout(ids, "AJENO")


def test_the_minimum_order_and_the_items_are_checked(ids, ctx):
    _coupon(ids, "GRANDE", min_order_minor=10_000)
    with pytest.raises(OrderError, match="larger order"):
        _checkout(ids, "GRANDE")
    db.session.rollback()
    _coupon(ids, "SOLOARREGLO", item_ids=[ids.service])
    with pytest.raises(OrderError, match="does not apply"):
        _checkout(ids, "SOLOARREGLO")


def test_a_paused_code_is_refused(ids, ctx):
    coupon = _coupon(ids)
    set_active(coupon, False)
    db.session.commit()
    with pytest.raises(OrderError, match="expired"):
        _checkout(ids, "VERANO10")


def test_a_code_ends_at_the_shops_midnight_across_a_daylight_saving_change(ids, ctx):
    """Madrid moves to summer time on 29 March 2026 at 02:00 (UTC+1 to UTC+2)."""
    shop = _shop(ids)
    shop.time_zone = "Europe/Madrid"
    _coupon(ids, ends_on=date(2026, 3, 29))
    # 29 March 23:59:59 in Madrid is 21:59:59 UTC (summer time): still valid.
    assert shop_today(shop, datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC)) == date(2026, 3, 29)
    order = _checkout(ids, "VERANO10", now=datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC))
    assert order.discount_minor == 485
    # At 22:00 UTC it is midnight in Madrid: expired, an hour before a UTC+1 reading says.
    with pytest.raises(OrderError, match="expired"):
        _checkout(ids, "VERANO10", now=datetime(2026, 3, 29, 22, 0, tzinfo=UTC))
    db.session.rollback()
    _coupon(ids, "OTONO", starts_on=date(2026, 10, 25))
    # 25 October (back to UTC+1 at 03:00): 24 October 22:00 UTC is 00:00 in Madrid.
    with pytest.raises(OrderError, match="not valid yet"):
        _checkout(ids, "OTONO", now=datetime(2026, 10, 24, 21, 59, tzinfo=UTC))
    db.session.rollback()
    assert _checkout(ids, "OTONO", now=datetime(2026, 10, 24, 22, 0, tzinfo=UTC)).discount_minor


# -- Limits and uses ----------------------------------------------------------------


def test_the_last_use_goes_to_one_order_and_a_cancelled_order_gives_it_back(ids, app, ctx):
    coupon = _coupon(ids, max_uses=1)
    first = _checkout(ids, "VERANO10")
    with pytest.raises(OrderError, match="used up") as error:
        _checkout(ids, "VERANO10")
    assert error.value.field == "coupon"
    db.session.rollback()
    assert _orders() == 1
    change_status(first, OrderStatus.CANCELLED)
    db.session.commit()
    db.session.refresh(coupon)
    assert coupon.uses == 0
    assert _checkout(ids, "VERANO10").discount_minor == 485
    db.session.refresh(coupon)
    assert coupon.uses == 1


def test_uses_per_customer_count_the_number_however_it_is_written(ids, ctx):
    _coupon(ids, max_uses_per_customer=1)
    assert _checkout(ids, "VERANO10", phone="612 34 56 78").discount_minor
    # The same Spanish number, written the international way.
    with pytest.raises(OrderError, match="already used"):
        _checkout(ids, "VERANO10", phone="+34 612-345-678")
    db.session.rollback()
    assert _checkout(ids, "VERANO10", phone="+34 699 999 999").discount_minor
    with pytest.raises(OrderError, match="WhatsApp number") as error:
        _checkout(ids, "VERANO10", phone="")
    assert error.value.field == "phone"


# -- Automatic discounts --------------------------------------------------------------


def test_an_automatic_discount_applies_without_a_code(ids, ctx):
    save_discount(
        _shop(ids), None, code="", name="Summer sale", kind="percent", value=500,
        min_order_minor=4000,
    )  # fmt: skip
    db.session.commit()
    order = _checkout(ids)
    assert (order.discount_code, order.discount_name, order.discount_minor) == (
        "",
        "Summer sale",
        243,  # 5 % of 48,50 = 2,425 -> 2,43 (half up)
    )
    small = _checkout(ids, lines=[(ids.cap, 1)])
    assert small.discount_minor == 0


def test_the_better_one_for_the_shopper_wins(ids, ctx):
    save_discount(_shop(ids), None, code="", name="Sale", kind="percent", value=2000)
    db.session.commit()
    _coupon(ids)  # 10 %
    order = _checkout(ids, "VERANO10")
    assert (order.discount_name, order.discount_code, order.discount_minor) == ("Sale", "", 970)
    _coupon(ids, "MITAD", value=5000)
    assert _checkout(ids, "MITAD").discount_code == "MITAD"


# -- The merchant's rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "VER\u0410NO"}, "Use only letters"),
        ({"code": "ab"}, "from 3 to 32"),
        ({"code": "", "name": ""}, "name shoppers see"),
        ({"value": 0}, "more than 0"),
        ({"value": 10_001}, "at most 100"),
        ({"starts_on": date(2026, 2, 1), "ends_on": date(2026, 1, 1)}, "before the first"),
        ({"max_uses": 0}, "limit of uses"),
    ],
)
def test_the_merchant_is_told_what_to_fix(ids, ctx, fields, message):
    values = {"code": "OK-10", "name": "", "kind": "percent", "value": 1000} | fields
    with pytest.raises(DiscountError, match=message):
        save_discount(_shop(ids), None, **values)


def test_codes_are_unique_per_shop_whatever_the_case(ids, ctx):
    _coupon(ids)
    with pytest.raises(DiscountError, match="exists already"):
        _coupon(ids, "verano10")


def test_another_shops_items_cannot_be_chosen(ids, ctx):
    with pytest.raises(DiscountError, match="no longer exist"):
        _coupon(ids, item_ids=[ids.other_item])
    assert db.session.scalar(select(func.count()).select_from(Discount)) == 0
