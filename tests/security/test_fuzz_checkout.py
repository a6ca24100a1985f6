"""The checkout, fuzzed (ASVS V2 validation and business logic, V4 API and web service).

The cart script's JSON and the no-JavaScript form get any shape and any value:
wrong types, huge and negative numbers, unknown ids, other shops' ids, hostile text,
prices and totals of the shopper's own invention. Whatever arrives:
- the answer is one of the checkout's documented statuses, never a 5xx;
- JSON clients always get JSON back;
- a refused checkout records nothing: no order, no line, no number taken;
- an accepted one is priced from the database only.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Item, Order, OrderLine, OrderStatus, ShippingMethod, Shop
from tests.security.hostile import FUZZ, NUMBERS, hostile_text, json_value
from tests.security.world import World

JSON_STATUSES = {200, 400, 409, 413, 422}
FORM_STATUSES = {303, 400, 409, 413, 422}
PRICE_FIELDS = ["price", "price_minor", "unit_price_minor", "total", "total_minor", "subtotal"]
ORDER_FIELDS = ["shop_id", "status", "number", "token", "currency", "id", "created_at"]


def recorded(app, world: World) -> tuple[int, int, int]:
    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(Order))
        lines = db.session.scalar(select(func.count()).select_from(OrderLine))
        number = db.session.get(Shop, world.shop).next_order_number
        db.session.remove()
        return orders, lines, number


def assert_priced_from_the_database(app, world: World, order_id: int) -> None:
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert order.shop_id == world.shop
        assert order.status == OrderStatus.NEW
        assert order.lines
        for line in order.lines:
            item = db.session.get(Item, line.item_id)
            assert item.shop_id == world.shop
            assert line.unit_price_minor == item.price_minor
            assert 1 <= line.quantity <= 999
            assert line.line_total_minor == line.unit_price_minor * line.quantity
        shipping = order.shipping_price_minor
        if order.shipping_name:
            method = db.session.scalar(
                select(ShippingMethod).where(
                    ShippingMethod.shop_id == world.shop,
                    ShippingMethod.name == order.shipping_name,
                )
            )
            assert shipping == method.price_minor
        assert order.subtotal_minor == sum(line.line_total_minor for line in order.lines)
        assert order.total_minor == order.subtotal_minor + shipping
        db.session.remove()


def ids(world: World):
    """An id that exists here, in the rival shop, nowhere, or is not an id at all."""
    return st.one_of(
        st.sampled_from([world.item, world.item + 1, world.rival_item]),
        st.sampled_from([0, -1, 2**31, 2**63, 2**70, 10**30]),
        json_value,
    )


def quantities():
    return st.one_of(
        st.integers(min_value=-5, max_value=1200),
        st.sampled_from([0.5, 1.0, 1e15, -0.0, 2**63]),
        st.sampled_from(NUMBERS),
        json_value,
    )


def json_line(world: World):
    return st.fixed_dictionaries(
        {"item_id": ids(world), "quantity": quantities()},
        optional={field: json_value for field in [*PRICE_FIELDS, "name", "shop_id"]},
    )


def json_cart(world: World):
    lines = st.one_of(
        st.lists(json_line(world) | json_value, max_size=4),
        st.integers(min_value=99, max_value=102).map(
            lambda n: [{"item_id": world.item, "quantity": 1}] * n
        ),
        json_value,
    )
    text = hostile_text | json_value
    body = st.fixed_dictionaries(
        {
            "lines": lines,
            "name": text,
            "address": text,
            "notes": text,
            "shipping_method_id": st.sampled_from([world.method, None, ""]) | json_value,
            "idempotency_key": st.uuids().map(str) | json_value,
        },
        optional={field: json_value for field in PRICE_FIELDS + ORDER_FIELDS},
    )
    return st.one_of(body, body, body, json_value)


def test_fuzzed_json_checkout_records_whole_orders_or_nothing(app, world):
    shopper = app.test_client()

    @FUZZ
    @given(body=json_cart(world))
    def checkout(body):
        before = recorded(app, world)
        response = shopper.post(
            f"/s/{world.slug}/checkout", data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code in JSON_STATUSES, response.text[:300]
        assert response.is_json
        if response.status_code != 200:
            assert response.get_json()["error"]
            assert recorded(app, world) == before
            return
        answer = response.get_json()
        assert urlsplit(answer["whatsapp_url"]).netloc == "wa.me"
        token = urlsplit(answer["order_url"]).path.rsplit("/", 1)[-1]
        with app.app_context():
            order_id = db.session.scalar(select(Order.id).where(Order.token == token))
        assert_priced_from_the_database(app, world, order_id)

    checkout()


def test_fuzzed_json_bytes_never_fail(app, world):
    shopper = app.test_client()
    before = recorded(app, world)

    @FUZZ
    @given(
        raw=st.one_of(
            st.binary(max_size=300),
            st.text(max_size=300).map(str.encode),
            st.just(b'{"lines": [' * 5000),  # deep nesting
            st.just(json.dumps({"lines": [{"item_id": 1, "quantity": 1}]}).encode() + b"\xff"),
        )
    )
    def checkout(raw):
        response = shopper.post(
            f"/s/{world.slug}/checkout", data=raw, content_type="application/json"
        )
        assert response.status_code in JSON_STATUSES - {200}
        assert response.is_json

    checkout()
    assert recorded(app, world) == before


def form_cart(world: World):
    text = hostile_text
    number = st.sampled_from([str(world.item), str(world.rival_item), "", "-1"]) | text
    many = st.one_of(number, st.lists(number, min_size=0, max_size=3))
    return st.fixed_dictionaries(
        {
            "item_id": many,
            "quantity": st.one_of(st.sampled_from(["1", "2", "0", "1000"]), text, st.lists(text)),
            "name": text,
            "address": text,
            "notes": text,
            "shipping_method_id": st.sampled_from([str(world.method), ""]) | text,
            "idempotency_key": st.uuids().map(str) | text,
        },
        optional={field: text for field in PRICE_FIELDS + ORDER_FIELDS},
    )


def test_fuzzed_form_checkout_redirects_to_whatsapp_or_records_nothing(app, world):
    shopper = app.test_client()

    @FUZZ
    @given(form=form_cart(world))
    def checkout(form):
        before = recorded(app, world)
        response = shopper.post(f"/s/{world.slug}/checkout", data=form)
        assert response.status_code in FORM_STATUSES, response.text[:300]
        if response.status_code == 303:
            assert urlsplit(response.headers["Location"]).netloc == "wa.me"
            with app.app_context():
                order_id = db.session.scalar(select(func.max(Order.id)))
            assert_priced_from_the_database(app, world, order_id)
        else:
            assert response.mimetype == "text/html"
            assert recorded(app, world) == before

    checkout()


def test_a_valid_cart_still_orders_after_the_fuzzing_shapes(app, world):
    """The fuzz tests above could pass by refusing everything: this one must be taken."""
    body = {
        "lines": [{"item_id": world.item, "quantity": 2, "price": 1}],
        "name": "Ana",
        "address": "Calle Mayor 1",
        "shipping_method_id": world.method,
        "idempotency_key": str(uuid.uuid4()),
        "total": 0,
    }
    response = app.test_client().post(f"/s/{world.slug}/checkout", json=body)
    assert response.status_code == 200
    with app.app_context():
        order = db.session.scalar(select(Order).order_by(Order.id.desc()).limit(1))
        assert order.total_minor == 2 * 2000 + 300


EDGE_NUMBERS = [0, -1, 2**31, -(2**31) - 1, 2**63, 2**70, 10**30, 1e300, -0.0, "9" * 18, "9" * 19]
# Past PostgreSQL's integer (2**31 - 1) and SQLite's (2**63 - 1).
HUGE_IDS = [2**31, -(2**31) - 1, 2**63, 10**30, "9" * 18]


@pytest.mark.parametrize("number", EDGE_NUMBERS, ids=repr)
def test_quantities_and_shipping_ids_past_every_limit_are_refused_cleanly(app, world, number):
    shopper = app.test_client()
    before = recorded(app, world)
    bodies = [
        {"lines": [{"item_id": world.item, "quantity": number}]},
        {"lines": [{"item_id": world.item, "quantity": 1}], "shipping_method_id": number},
    ]
    for body in bodies:
        body |= {"name": "Ana", "address": "Calle 1", "idempotency_key": str(uuid.uuid4())}
        body.setdefault("shipping_method_id", world.method)
        response = shopper.post(f"/s/{world.slug}/checkout", json=body)
        assert response.status_code in {400, 422}, body
        assert response.is_json
    page = shopper.get(f"/s/{world.slug}/p/{world.item}/order", query_string={"quantity": number})
    assert page.status_code == 200
    assert recorded(app, world) == before


def test_item_ids_past_the_integer_range_are_refused_cleanly(app, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    shopper = app.test_client()
    before = recorded(app, world)
    answers = []
    for number in HUGE_IDS:
        body = {
            "lines": [{"item_id": number, "quantity": 1}],
            "name": "Ana",
            "address": "Calle 1",
            "shipping_method_id": world.method,
            "idempotency_key": str(uuid.uuid4()),
        }
        answers.append(shopper.post(f"/s/{world.slug}/checkout", json=body).status_code)
        form = {"item_id": str(number), "quantity": "1", "name": "Ana", "address": "Calle 1"}
        answers.append(shopper.post(f"/s/{world.slug}/checkout", data=form).status_code)
    assert set(answers) <= {400, 422}
    assert recorded(app, world) == before
