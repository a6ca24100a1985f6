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
from shop.models import (
    Item,
    OptionChoice,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    ShippingMethod,
    Shop,
)
from tests import factories
from tests.security.hostile import FUZZ, NUMBERS, hostile_text, json_value
from tests.security.world import World

JSON_STATUSES = {200, 400, 409, 413, 422}
FORM_STATUSES = {303, 400, 409, 413, 422}
PRICE_FIELDS = ["price", "price_minor", "unit_price_minor", "total", "total_minor", "subtotal"]
ORDER_FIELDS = ["shop_id", "status", "number", "token", "currency", "id", "created_at"]
ORDER_FIELDS += ["payment_name", "payment_details", "payment_kind", "closed_note", "stock"]


@pytest.fixture
def extras(app, world) -> dict:
    """Issue 7 at checkout: an active payment method, and extras that change the price
    (one takes more off than the cap costs: a line never goes below zero)."""
    with app.app_context():
        cap = db.session.get(Item, world.cap)
        group = factories.make_group(
            cap, "Extras", [("Bordado", 150), ("Cupón", -5000)], min_choices=0, max_choices=2
        )
        payment = PaymentMethod(shop_id=world.shop, kind="other", name="Bizum", details="612")
        db.session.add(payment)
        db.session.commit()
        return {"payment": payment.id, "choices": tuple(c.id for c in group.choices)}


def choice_ids(world: World, extras: dict):
    """Choice ids as a cart sends them, and as an attacker would: other items', made-up,
    repeated, with prices of their own."""
    one = st.one_of(
        st.sampled_from([*world.choices, *extras["choices"]]),
        st.sampled_from([0, -1, 2**31, 2**63, 10**30, "1", "x"]),
        st.fixed_dictionaries(
            {"id": st.sampled_from(extras["choices"]), "price_delta_minor": st.integers()}
        ),
        json_value,
    )
    return st.one_of(st.lists(one, max_size=4), st.lists(one, min_size=49, max_size=52), json_value)


def payment_ids(world: World, extras: dict):
    return st.sampled_from([extras["payment"], world.payment, None, ""]) | json_value


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
            deltas = 0
            for chosen in line.options:
                choice = db.session.get(OptionChoice, chosen["choice_id"])
                assert choice.group.item_id == item.id
                assert chosen["delta"] == choice.price_delta_minor
                deltas += choice.price_delta_minor
            assert line.unit_price_minor == max(0, item.price_minor + deltas)
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
            zones = {zone.name: zone.fee_minor for zone in method.zones if zone.name}
            # Priced by its zone (the server's, whatever the browser sent), else the method.
            assert shipping == zones.get(order.zone_name, method.price_minor)
            if order.customer_lat is not None:
                assert -90 <= order.customer_lat <= 90
                assert -180 <= order.customer_lng <= 180
        assert order.subtotal_minor == sum(line.line_total_minor for line in order.lines)
        assert order.total_minor == order.subtotal_minor + shipping
        active = db.session.scalars(
            select(PaymentMethod).where(PaymentMethod.shop_id == world.shop, PaymentMethod.active)
        ).all()
        if active:
            assert (order.payment_name, order.payment_details) in {
                (method.name, method.details) for method in active
            }
        db.session.remove()


def ids(world: World):
    """An id that exists here, in the rival shop, nowhere, or is not an id at all."""
    return st.one_of(
        st.sampled_from([world.item, world.cap, world.item + 1, world.rival_item]),
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


def json_line(world: World, extras: dict):
    return st.fixed_dictionaries(
        {"item_id": ids(world), "quantity": quantities()},
        optional={field: json_value for field in [*PRICE_FIELDS, "name", "shop_id", "stock"]}
        | {"choices": choice_ids(world, extras)},
    )


def json_cart(world: World, extras: dict):
    lines = st.one_of(
        st.lists(json_line(world, extras) | json_value, max_size=4),
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
            "phone": st.sampled_from(["612345678", "+525512345678", "", "12"]) | text,
            "shipping_method_id": st.sampled_from([world.method, None, ""]) | json_value,
            "idempotency_key": st.uuids().map(str) | json_value,
            "payment_method_id": payment_ids(world, extras),
        },
        optional={field: json_value for field in PRICE_FIELDS + ORDER_FIELDS} | where(world),
    )
    return st.one_of(body, body, body, json_value)


def where(world: World) -> dict:
    """Where the shopper says they are and when (issue 25): anything a browser could send,
    near the world's shop (its 2 km band), forged or far."""
    coordinate = (
        st.floats(allow_nan=True, allow_infinity=True)
        | st.floats(min_value=40.40, max_value=40.43)
        | st.sampled_from(["NaN", "-Infinity", "1e400", "40.41", " 40.41 ", "\uff14\uff10"])
        | json_value
    )
    return {
        "zone_id": st.integers(min_value=-2, max_value=10) | json_value,
        "postal_code": hostile_text | json_value,
        "latitude": coordinate,
        "longitude": st.floats(min_value=-3.72, max_value=-3.69) | coordinate,
        "slot": st.sampled_from(["2026-12-02T11:00Z", ""]) | hostile_text | json_value,
    }


def test_fuzzed_json_checkout_records_whole_orders_or_nothing(app, world, extras):
    shopper = app.test_client()

    @FUZZ
    @given(body=json_cart(world, extras))
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


def form_cart(world: World, extras: dict):
    text = hostile_text
    items = [str(world.item), str(world.cap), str(world.rival_item), "", "-1"]
    number = st.sampled_from(items) | text
    choice = st.sampled_from([str(c) for c in (*world.choices, *extras["choices"])]) | text
    choices = st.fixed_dictionaries(
        {},
        optional={
            "choice": choice | st.lists(choice, max_size=3),
            f"choice-{world.group}": choice | st.lists(choice, max_size=3),
            "choice-extras": choice | st.lists(choice, max_size=60),
        },
    )
    many = st.one_of(number, st.lists(number, min_size=0, max_size=3))
    return st.fixed_dictionaries(
        {
            "item_id": many,
            "quantity": st.one_of(st.sampled_from(["1", "2", "0", "1000"]), text, st.lists(text)),
            "name": text,
            "address": text,
            "notes": text,
            "phone": st.sampled_from(["612345678", "+525512345678", "", "12"]) | text,
            "shipping_method_id": st.sampled_from([str(world.method), ""]) | text,
            "idempotency_key": st.uuids().map(str) | text,
            "payment_method_id": st.sampled_from([str(extras["payment"]), ""]) | text,
        },
        optional={field: text for field in PRICE_FIELDS + ORDER_FIELDS},
    ).flatmap(lambda form: choices.map(lambda chosen: form | chosen))


def test_fuzzed_form_checkout_goes_to_whatsapp_or_its_order_or_records_nothing(app, world, extras):
    shopper = app.test_client()

    @FUZZ
    @given(form=form_cart(world, extras))
    def checkout(form):
        before = recorded(app, world)
        response = shopper.post(f"/s/{world.slug}/checkout", data=form)
        assert response.status_code in FORM_STATUSES, response.text[:300]
        location = urlsplit(response.headers.get("Location", ""))
        if response.status_code == 303 and location.query == "repeated=1":
            # The same order as one placed minutes ago: that order, nothing recorded.
            assert location.path.startswith("/o/")
            assert recorded(app, world) == before
        elif response.status_code == 303:
            assert location.netloc == "wa.me"
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
