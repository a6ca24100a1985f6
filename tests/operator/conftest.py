"""An operator, signed in, next to an ordinary merchant's shop."""

from __future__ import annotations

import pytest

from shop.extensions import db
from tests import factories


@pytest.fixture
def operator(app, client, sign_in_as) -> int:
    """A signed-in operator (with no shop of their own): returns the user id."""
    with app.app_context():
        user = factories.make_user(name="Olga", email="olga@vitrina.example")
        user.is_operator = True
        db.session.commit()
        user_id = user.id
    sign_in_as(client, user_id)
    return user_id


@pytest.fixture
def other_shop(app) -> int:
    """Someone else's shop, with an item and a shipping method: returns its id."""
    with app.app_context():
        owner = factories.make_user(name="Marta", email="marta@example.com")
        shop = factories.make_shop(owner, slug="tienda-sol", name="Tienda Sol")
        factories.make_item(shop, name="Camiseta azul", price_minor=2000)
        factories.make_shipping(shop)
        db.session.commit()
        return shop.id
