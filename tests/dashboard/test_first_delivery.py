"""Issue 16: set-up takes the first ways to deliver (a home delivery price, free pickup),
so a new shop can take an order without a visit to the shipping page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import ShippingMethod, Shop
from tests import factories
from tests.dashboard.test_shop_setup import count, form

EN = {"Accept-Language": "en"}


@pytest.fixture
def newcomer(app, client, sign_in_as):
    """A signed-in merchant without a shop yet."""
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        user_id = user.id
    sign_in_as(client, user_id)
    return user_id


def methods(app) -> list[tuple[str, int, bool]]:
    with app.app_context():
        return [
            (m.name, m.price_minor, m.needs_address)
            for m in db.session.scalars(select(ShippingMethod).order_by(ShippingMethod.position))
        ]


def test_set_up_offers_delivery_and_pickup_fields(client, newcomer):
    page = client.get("/dashboard/setup", headers=EN).text
    assert 'name="delivery_price"' in page
    assert 'inputmode="decimal"' in page
    assert 'name="pickup"' in page
    assert "How shoppers get their order" in page


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"delivery_price": "4,90"}, [("Entrega a domicilio", 490, True)]),
        ({"delivery_price": "1.234,56 €"}, [("Entrega a domicilio", 123456, True)]),
        ({"delivery_price": "0"}, [("Entrega a domicilio", 0, True)]),
        ({"pickup": "y"}, [("Recoger en tienda", 0, False)]),
        (
            {"delivery_price": "3", "pickup": "y"},
            [("Entrega a domicilio", 300, True), ("Recoger en tienda", 0, False)],
        ),
        ({"delivery_price": "  "}, []),
        ({}, []),
    ],
)
def test_each_answer_becomes_a_method_named_in_the_shops_language(
    app, client, newcomer, fields, expected
):
    response = client.post("/dashboard/setup", data=form(**fields), headers=EN)
    assert response.status_code == 302
    assert methods(app) == expected
    if expected:  # the checklist's "a way to deliver" is done
        home = client.get("/dashboard", headers=EN).text
        assert '<li class="done" data-step="delivery">' in home


def test_an_english_shop_names_them_in_english(app, client, newcomer):
    client.post(
        "/dashboard/setup",
        data=form(country="US", phone="201 555 0123", currency="USD", language="en")
        | {"delivery_price": "1,234.50", "pickup": "y"},
    )
    assert methods(app) == [("Home delivery", 123450, True), ("Pickup", 0, False)]


def test_the_price_is_read_in_the_currency_being_set_up(app, client, newcomer):
    client.post(
        "/dashboard/setup",
        data=form(country="CL", phone="9 6123 4567", currency="CLP") | {"delivery_price": "3.990"},
        headers=EN,
    )
    assert methods(app) == [("Entrega a domicilio", 3990, True)]


@pytest.mark.parametrize("price", ["cuatro", "-3", "9" * 40, "4,9,0,1"])
def test_a_price_refused_saves_nothing_and_keeps_what_was_typed(app, client, newcomer, price):
    response = client.post(
        "/dashboard/setup", data=form(delivery_price=price, pickup="y"), headers=EN
    )
    assert response.status_code == 422
    assert 'id="delivery_price-error"' in response.text
    assert "Café Niño" in response.text
    assert 'checked id="pickup"' in response.text
    assert f'value="{price}"' in response.text
    assert count(app, Shop) == 0
    assert methods(app) == []


def test_a_double_submitted_set_up_makes_one_method(app, client, newcomer):
    first = client.post("/dashboard/setup", data=form(delivery_price="4,90"))
    second = client.post("/dashboard/setup", data=form(delivery_price="4,90"))
    assert first.status_code == second.status_code == 302
    assert methods(app) == [("Entrega a domicilio", 490, True)]
