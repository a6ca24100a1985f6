"""An app per test whose settings a test may change (the burst test turns limits on)."""

from __future__ import annotations

import pytest

from shop import create_app
from shop.extensions import db, limiter
from tests.conftest import VitrinaClient, _empty_all_tables, _test_config


@pytest.fixture
def app_config() -> dict:
    return {}


@pytest.fixture
def app(migrated, tmp_path, app_config):
    app = create_app(_test_config(migrated, tmp_path / "media") | app_config)
    app.test_client_class = VitrinaClient
    yield app
    with app.app_context():
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()
