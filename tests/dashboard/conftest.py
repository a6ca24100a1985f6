"""Fixtures the dashboard tests share."""

from __future__ import annotations

import pytest

from tests.dashboard.full_shop import FullShop, build_full_shop


@pytest.fixture
def full(app, client, sign_in_as) -> FullShop:
    """A shop with one of everything, its merchant signed in on `client`."""
    shop = build_full_shop(app)
    sign_in_as(client, shop.user)
    return shop


@pytest.fixture
def another_merchant(app, sign_in_as):
    """Make another merchant with an empty shop, signed in on their own client:
    ``another_merchant("Bea", slug="nueva", currency="CLP")`` -> (client, shop id)."""

    def make(person: str, **shop):
        from shop.extensions import db
        from tests import factories

        with app.app_context():
            user = factories.make_user(person)
            made = factories.make_shop(user, **shop)
            db.session.commit()
            ids = (user.id, made.id)
        client = app.test_client()
        sign_in_as(client, ids[0])
        return client, ids[1]

    return make


@pytest.fixture
def second(another_merchant):
    """Another merchant with an empty EUR shop, signed in on their own client."""
    return another_merchant("Bea", slug="nueva", name="Nueva", language="en")
