"""Fixtures for the adversarial suite: an app whose config a test module can extend,
a merchant with one of everything, and a snapshot of every table.

Rate limits are off in TESTING apps (see shop.web.limits); modules that test them turn
them on by overriding `app_config`.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop import create_app
from shop.extensions import db
from shop.models import AuthSession
from tests import factories
from tests.conftest import VitrinaClient, _empty_all_tables, _test_config
from tests.security.world import World, build_world


@pytest.fixture
def app_config() -> dict:
    """Extra settings for this module's app (override in a module)."""
    return {}


@pytest.fixture
def app(migrated, tmp_path, app_config):
    app = create_app(_test_config(migrated, tmp_path / "media") | app_config)
    app.test_client_class = VitrinaClient
    yield app
    with app.app_context():
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(app, client, sign_in_as) -> World:
    """A signed-in merchant with a category, items, shipping, orders; and a rival shop."""
    world = build_world(app)
    sign_in_as(client, world.user)
    return world


@pytest.fixture
def snapshot(app):
    """snapshot() -> every row of every table (sessions aside: reading pages touches them)."""

    def take() -> dict[str, list[tuple]]:
        with app.app_context():
            rows = {}
            for table in db.metadata.sorted_tables:
                if table.name == AuthSession.__tablename__:
                    continue
                query = select(table).order_by(*table.primary_key.columns)
                rows[table.name] = [tuple(row) for row in db.session.execute(query)]
            db.session.remove()
            return rows

    return take


@pytest.fixture
def other_merchant(app):
    with app.app_context():
        user = factories.make_user("Rival")
        db.session.commit()
        return user.id
