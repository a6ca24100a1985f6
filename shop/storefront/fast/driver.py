"""The app's one use of SQLAlchemy below its public API: a compiled SELECT run on the
driver's cursor (for plain_sql.PlainSelect).

Why: the shop's row, read for every 304 and kept page, costs 7 µs of CPU this way;
through the nearest public call, ``Connection.exec_driver_sql``, it costs 30 µs (its
execution context and result object), and a 304 costs about 100 µs in all. So this
module, and only this one, relies on:

- ``Connection._cursor_execute(cursor, statement, parameters, context=None)``: the
  hook SQLAlchemy itself uses for statements it runs outside a compiled execution.
  Event listeners (the statement counters of the tests and benchmarks, the fault
  tests' cuts), echo logging and error handling (a dropped connection is
  invalidated, errors arrive as SQLAlchemy's exceptions) work as for any statement;
- ``SQLCompiler.bind_names`` and ``SQLCompiler.positiontup``: a compiled statement's
  parameters by name and, for positional paramstyles (SQLite's ``?``), their order.

tests/storefront/fast/test_driver.py checks each of these against the installed
SQLAlchemy and fails naming what changed; pyproject.toml bounds SQLAlchemy to the
releases it passed on (``<2.2``). Raise the bound only with that test green.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select


def compile_select(
    statement: Select, dialect
) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """(SQL text, the parameters' names in order for a positional paramstyle or None,
    the statement's own values converted for the driver)."""
    compiled = statement.compile(dialect=dialect)
    constants = {}
    for bind, name in compiled.bind_names.items():
        if bind.required:  # given at each call
            continue
        convert = dialect.type_descriptor(bind.type).bind_processor(dialect)
        value = bind.effective_value
        constants[name] = convert(value) if convert is not None else value
    order = tuple(compiled.positiontup) if compiled.positional else None
    return str(compiled), order, constants


def cursor_execute(
    connection: Connection, cursor, sql: str, parameters: Sequence | dict[str, Any]
) -> None:
    """Run `sql` on `cursor` (one of `connection`'s) as SQLAlchemy runs its own
    statements: events, logging and error handling, no result object."""
    connection._cursor_execute(cursor, sql, parameters)
