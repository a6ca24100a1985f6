"""The guard of shop/storefront/fast/driver.py, the app's one use of SQLAlchemy below its
public API: each private piece it relies on, checked against the installed SQLAlchemy.

When one of these fails after an upgrade, SQLAlchemy changed something driver.py
needs: the message says what. Adapt driver.py (or fall back to the public
``Connection.exec_driver_sql``, some 20 µs slower per statement), then move the
SQLAlchemy bound in pyproject.toml to the releases this passes on.
"""

from __future__ import annotations

import inspect
import tomllib
from pathlib import Path

import pytest
import sqlalchemy
from packaging.requirements import Requirement
from sqlalchemy import Connection, bindparam, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from shop.extensions import db
from shop.models import Shop
from shop.storefront.fast import driver
from tests import factories

WHERE = "shop/storefront/fast/driver.py"
PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def changed(what: str) -> str:
    return (
        f"SQLAlchemy {sqlalchemy.__version__} changed {what}, which {WHERE} relies on "
        "(see its docstring). Adapt it, or fall back to Connection.exec_driver_sql, "
        "then update the SQLAlchemy bound in pyproject.toml."
    )


def test_the_installed_sqlalchemy_is_one_this_guard_allows():
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    bound = next(Requirement(line) for line in dependencies if line.startswith("SQLAlchemy"))
    assert any(spec.operator == "<" for spec in bound.specifier), (
        f"pyproject.toml must bound SQLAlchemy from above ({WHERE} uses private API)"
    )
    assert bound.specifier.contains(sqlalchemy.__version__), (
        f"SQLAlchemy {sqlalchemy.__version__} is outside {bound}: run this guard against it "
        "before moving the bound"
    )


def test_connection_keeps_its_cursor_hook():
    hook = getattr(Connection, "_cursor_execute", None)
    assert hook is not None, changed("Connection._cursor_execute (it is gone)")
    parameters = list(inspect.signature(hook).parameters)
    assert parameters[:4] == ["self", "cursor", "statement", "parameters"], changed(
        f"Connection._cursor_execute's signature (now {parameters})"
    )


@pytest.fixture
def connection(app):
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="guarded")
        db.session.commit()
        with db.engine.connect() as connection:
            yield connection


def test_the_cursor_hook_runs_event_listeners(connection):
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(("before", statement))
        return statement, parameters

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(("after", statement))

    sql, order, _ = driver.compile_select(
        select(Shop.id).where(Shop.slug == bindparam("slug")), connection.dialect
    )
    params = ("guarded",) if order else {"slug": "guarded"}
    event.listen(connection, "before_cursor_execute", before, retval=True)
    event.listen(connection, "after_cursor_execute", after)
    cursor = connection.connection.cursor()
    try:
        driver.cursor_execute(connection, cursor, sql, params)
        found = cursor.fetchall()
    finally:
        cursor.close()
        event.remove(connection, "before_cursor_execute", before)
        event.remove(connection, "after_cursor_execute", after)
    assert len(found) == 1
    assert seen == [("before", sql), ("after", sql)], changed(
        "the events Connection._cursor_execute runs (before/after_cursor_execute)"
    )


def test_the_cursor_hook_turns_driver_errors_into_sqlalchemys(connection):
    cursor = connection.connection.cursor()
    try:
        with pytest.raises(DBAPIError) as raised:
            driver.cursor_execute(connection, cursor, "SELECT * FROM no_such_table", ())
    finally:
        cursor.close()
    connection.rollback()
    assert "no_such_table" in str(raised.value.statement), changed(
        "how Connection._cursor_execute reports driver errors"
    )


STATEMENT = (
    select(Shop.id)
    .where(Shop.slug == bindparam("slug"), Shop.currency != "XXX")
    .order_by(Shop.id)
    .limit(3)
)


def test_compiled_statements_name_their_parameters_in_order_for_sqlite():
    sql, order, constants = driver.compile_select(STATEMENT, sqlite.dialect())
    assert order is not None, changed("SQLCompiler.positional / positiontup for qmark")
    assert sql.count("?") == len(order), changed("SQLCompiler.positiontup (its length)")
    assert order[0] == "slug", changed("SQLCompiler.positiontup (its order)")
    assert set(order) == {"slug", *constants}, changed("SQLCompiler.bind_names")
    assert {3, "XXX"} <= set(constants.values()), changed(
        "BindParameter.effective_value of a statement's own values"
    )


def test_compiled_statements_name_their_parameters_for_postgresql():
    sql, order, constants = driver.compile_select(STATEMENT, postgresql.psycopg.dialect())
    assert order is None, changed("SQLCompiler.positional for pyformat")
    assert "%(slug)s" in sql
    assert all(f"%({name})s" in sql for name in constants), changed("SQLCompiler.bind_names")
    assert {3, "XXX"} <= set(constants.values())
