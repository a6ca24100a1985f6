"""Fixtures shared by every test: the app on a migrated database, clients, sign-in, factories.

Tests run on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The
schema comes from the Alembic migrations, exactly as in production; every table is
emptied after each test so no test sees another's rows (browser tests run a real
server in a thread, so a rolled-back transaction could not isolate them).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from shop import create_app
from shop.extensions import db
from tests import factories

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgres_schema(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    """Run the real migrations once per test session."""
    from flask_migrate import upgrade

    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("media0")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _test_config(database_url: str, media_dir) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MEDIA_DIR": str(media_dir),
        # Each app its own queue and result folder; a failed job retries at once.
        "JOBS_REDIS_URL": None,
        "ANALYTICS_REDIS_URL": None,
        "JOBS_SQLITE_PATH": str(Path(media_dir).parent / "jobs-queue.sqlite3"),
        "JOB_FILES_DIR": str(Path(media_dir).parent / "job-files"),
        "JOBS_RETRY_DELAY": 0,
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
        "GOOGLE_CLIENT_ID": "vitrina-test-client",
        "GOOGLE_CLIENT_SECRET": "vitrina-test-secret",
        # Nothing listens here: a test that reaches /login by accident gets a refused connection.
        "OIDC_DISCOVERY_URL": "http://127.0.0.1:9/.well-known/openid-configuration",
    }


class VitrinaClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form POST, as a browser would.

    Pass ``csrf=False`` to post without one.
    """

    def open(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        method = kwargs.get("method", "GET").upper()
        if csrf and method == "POST" and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """The signed token Flask-WTF would have put in the page for this session."""
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", os.urandom(20).hex())
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


@pytest.fixture
def app(migrated, tmp_path):
    app = create_app(_test_config(migrated, tmp_path / "media"))
    app.test_client_class = VitrinaClient
    yield app
    with app.app_context():
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(app):
    """The app on a real HTTP port, each request in a thread with its own database
    connection (browser tests, shoppers racing); yields "http://127.0.0.1:PORT"."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _empty_all_tables() -> None:
    db.session.rollback()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app) -> VitrinaClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sign_in_as(app):
    """sign_in_as(client, user): give that client a real server-side session for `user`."""
    from shop.auth.sessions import start_session

    def sign_in(client: FlaskClient, user_id: int) -> str:
        with app.app_context():
            user = db.session.get(factories.User, user_id)
            token = start_session(user)
            db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return token

    return sign_in


@pytest.fixture
def merchant(app, client, sign_in_as):
    """A signed-in merchant with one shop (EUR, Spanish, Spain): returns (user_id, shop_id)."""
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user)
        db.session.commit()
        ids = (user.id, shop.id)
    sign_in_as(client, ids[0])
    return ids


# The Redis the tests use. A second test run side by side (CI runs its PostgreSQL pass
# next to its SQLite pass) points this at a server of its own, as tests empty databases.
REDIS_ADDRESS = os.environ.get("TEST_REDIS_ADDRESS", "127.0.0.1:6379")


def redis_url(database: int) -> str:
    """The URL of one numbered database in the tests' Redis."""
    return f"redis://{REDIS_ADDRESS}/{database}"


def skip_without_service(reason: str) -> None:
    """Skip a test whose local service (Redis, redis-server) is missing on a developer's
    machine; under CI, where every service is installed, a missing one is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)
