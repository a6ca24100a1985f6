"""Fixtures for fault tests: an app whose PostgreSQL can be made to go away and come back.

The app reaches the database through a DatabaseRelay (proxy.py), so a test can take
the database away (every connection cut, new ones refused) and bring it back, while
the shared PostgreSQL server itself keeps running. SQLite has no server to lose:
these tests run on PostgreSQL only (CI runs them there); the SQLite stand-in is a
database file that cannot be opened (test_database_outage.py).
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shop import create_app
from shop.extensions import db
from tests.conftest import VitrinaClient, _empty_all_tables, _test_config
from tests.faults.proxy import DatabaseRelay

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def postgres_only(test):
    """Mark a test that needs the PostgreSQL server (skipped on SQLite, run by CI)."""
    skip = pytest.mark.skipif(
        not ON_POSTGRES,
        reason="SQLite is a file in the process: there is no database server to stop "
        "(set TEST_DATABASE_URL to a PostgreSQL database; CI does)",
    )
    return pytest.mark.postgres(skip(test))


@pytest.fixture
def relay(migrated):
    url = make_url(migrated)
    relay = DatabaseRelay(url.host or "127.0.0.1", url.port or 5432)
    relay.start()
    yield relay
    relay.stop()


@pytest.fixture
def app_config() -> dict:
    return {}


@pytest.fixture
def app(migrated, tmp_path, relay, app_config):
    """The test app, connected through the relay."""
    url = make_url(migrated).set(host="127.0.0.1", port=relay.port)
    config = _test_config(url.render_as_string(hide_password=False), tmp_path / "media")
    app = create_app(config | app_config)
    app.test_client_class = VitrinaClient
    yield app
    relay.stop()
    relay.start()  # the same port: the pool's next connections work again
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def admin(migrated):
    """A connection straight to the database (not through the relay), for the test's
    own look and for cutting the app's connections from the server's side."""
    engine = create_engine(migrated, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def terminate_other_backends(admin) -> int:
    """Have the server end every other connection to this database, now."""
    return admin.execute(
        text(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    ).scalar_one()
