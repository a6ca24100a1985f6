"""A shop with a team of three (owner, manager, staff), each with a signed-in client."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Activity, Membership, Role
from tests import factories


@dataclass(frozen=True)
class Team:
    shop: int
    owner: int
    manager: int
    staff: int
    item: int
    order: int


@pytest.fixture
def team(app) -> Team:
    with app.app_context():
        owner = factories.make_user("Olga", "olga@example.com")
        shop = factories.make_shop(owner, language="en", name="Tienda Sol")
        manager = factories.make_user("Mario 🧑‍🍳", "mario@example.com")
        staff = factories.make_user("Sara", "sara@example.com")
        db.session.add(Membership(shop_id=shop.id, user_id=manager.id, role=Role.MANAGER))
        db.session.add(Membership(shop_id=shop.id, user_id=staff.id, role=Role.STAFF))
        item = factories.make_item(shop, None, name="Camiseta azul", price_minor=2000, stock=5)
        order = factories.make_order(shop)
        db.session.commit()
        return Team(shop.id, owner.id, manager.id, staff.id, item.id, order.id)


@pytest.fixture
def as_member(app, sign_in_as, team):
    """as_member("manager"): a client signed in as that member of the team's shop."""

    def client_of(role: str):
        client = app.test_client()
        sign_in_as(client, getattr(team, role))
        return client

    return client_of


def rows(app, shop_id: int, **where) -> list[Activity]:
    """The shop's activity, oldest first, detached (read after the app context ends)."""
    with app.app_context():
        query = select(Activity).where(Activity.shop_id == shop_id).order_by(Activity.id)
        for name, value in where.items():
            query = query.where(getattr(Activity, name) == value)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found
