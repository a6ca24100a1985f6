"""A database of its own for each migration test, left at an older revision.

A test fills it with rows exactly as the code of that revision wrote them (raw SQL
against the old schema, never today's models), runs the migrations up to the head and
then reads the rows through today's code. On PostgreSQL each test gets a database of
its own on the same server, dropped afterwards; on SQLite a file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask_migrate import downgrade as migrate_down
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url

from shop import create_app
from shop.extensions import db
from tests.conftest import _test_config


class OldDatabase:
    """An app bound to a database at `revision`, with helpers to fill and upgrade it."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def execute(self, statement: str, **values) -> None:
        with self.app.app_context(), db.engine.begin() as conn:
            conn.execute(text(statement), values)

    def insert(self, table: str, **values) -> int:
        """Insert one row as the old code did; returns its id."""
        columns = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        with self.app.app_context(), db.engine.begin() as conn:
            result = conn.execute(
                # Table and column names come from the test itself, never from input.
                text(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"),  # noqa: S608
                values,
            )
            return result.scalar_one()

    def upgrade(self, revision: str = "head", *, downgrade: bool = False) -> None:
        """Migrate to `revision` (down to it with `downgrade`)."""
        with self.app.app_context():
            (migrate_down if downgrade else upgrade)(revision=revision)
            db.engine.dispose()

    def connection(self) -> Connection:
        with self.app.app_context():
            return db.engine.connect()


@pytest.fixture
def database_at(database_url, tmp_path) -> Iterator[Callable[[str], OldDatabase]]:
    """database_at("0007_form_submissions"): a new database migrated up to that revision."""
    made: list[tuple[str, Flask]] = []

    def make(revision: str) -> OldDatabase:
        url = _new_database(database_url, tmp_path / f"old-{len(made)}.sqlite3")
        app = create_app(_test_config(url, tmp_path / f"media-{len(made)}"))
        made.append((url, app))
        old = OldDatabase(app)
        old.upgrade(revision)
        return old

    yield make
    for url, app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _drop_database(database_url, url)


def _new_database(server_url: str, sqlite_path) -> str:
    if not server_url.startswith("postgresql"):
        return f"sqlite:///{sqlite_path}"
    name = f"vitrina_migration_{secrets.token_hex(4)}"
    with _server(server_url) as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(server_url: str, url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = make_url(url).database
    with _server(server_url) as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def _server(server_url: str) -> Iterator[Connection]:
    """A connection outside any transaction, as CREATE and DROP DATABASE need."""
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
