"""The hottest reads as plain tuples: a Core SELECT run on the driver's own cursor.

A 304 for a shop page reads the shop's row and nothing else, and the first render
after a merchant's change reads a row per product. At those rates SQLAlchemy's result
handling (a Row object per row, a conversion call per value) costs more than the
database's own work: two thirds of a 304's time in the app, a sixth of a 200-product
page's read. A PlainSelect keeps everything else SQLAlchemy gives:

- the statement is written in Core and compiled once per dialect (SQLite, PostgreSQL);
- it runs through the connection's own cursor hook, so event listeners (the
  statement counters of the tests and benchmarks, the fault tests' cuts), echo
  logging and error handling (a dropped connection is invalidated, errors arrive as
  SQLAlchemy's exceptions) work as for any other statement. That hook, and the
  compiled statement's parameter names, are below SQLAlchemy's public API: they are
  used in driver.py only, guarded by its test;
- columns whose type converts what the driver gives (dates and booleans on SQLite,
  JSON text, enums) are converted the same way; a caller that wants the driver's
  values as they are selects them with `type_coerce` to a type that converts nothing.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Float, Select

from shop.storefront.fast.driver import compile_select, cursor_execute


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    order: tuple[str, ...] | None  # positional paramstyles: the parameters' names in order
    constants: dict[str, Any]  # the statement's own values, converted for the driver
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, converter)


class PlainSelect:
    """A SELECT whose rows come back as the driver's tuples (see the module docstring)."""

    # Every PlainSelect made, for compile_all (a worker's start-up) and forget (the
    # benchmark's cold case).
    made: weakref.WeakSet[PlainSelect] = weakref.WeakSet()

    def __init__(self, statement: Select) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()
        PlainSelect.made.add(self)

    @classmethod
    def compile_all(cls, dialect) -> None:
        """Compile every statement for `dialect` now (a statement compiles in 0.1 to
        1 ms: the first view's is the largest), as a worker starts, not on a
        shopper's request."""
        for plain in list(cls.made):
            if dialect.name not in plain._compiled:
                with plain._lock:
                    plain._compiled[dialect.name] = _compile(plain.statement, dialect)

    @classmethod
    def forget(cls) -> None:
        """Drop every compiled statement (a benchmark's new worker)."""
        for plain in list(cls.made):
            with plain._lock:
                plain._compiled.clear()

    def rows(self, connection: Connection, **params: Any) -> list[tuple]:
        """Every row, each a tuple in the order of the SELECT's columns."""
        compiled = self._compiled_for(connection)
        cursor = self._execute(connection, compiled, params)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if compiled.converters:
            rows = [_converted(row, compiled.converters) for row in rows]
        return rows

    def first(self, connection: Connection, **params: Any) -> tuple | None:
        """The first row, or None."""
        compiled = self._compiled_for(connection)
        cursor = self._execute(connection, compiled, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None or not compiled.converters:
            return row
        return _converted(row, compiled.converters)

    def _execute(self, connection: Connection, compiled: _Compiled, params: dict[str, Any]):
        values = {**compiled.constants, **params}
        parameters: Sequence | dict = (
            values if compiled.order is None else tuple(values[name] for name in compiled.order)
        )
        cursor = connection.connection.cursor()
        try:
            cursor_execute(connection, cursor, compiled.sql, parameters)
        except BaseException:
            cursor.close()
            raise
        return cursor

    def _compiled_for(self, connection: Connection) -> _Compiled:
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            with self._lock:
                compiled = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return compiled


def _compile(statement: Select, dialect) -> _Compiled:
    sql, order, constants = compile_select(statement, dialect)
    converters = []
    for index, column in enumerate(statement.selected_columns):
        convert = _converter(column.type, dialect)
        if convert is not None:
            converters.append((index, convert))
    return _Compiled(sql, order, constants, tuple(converters))


def _converter(type_, dialect):
    """The dialect's conversion of a value of `type_`, None when the driver's value is
    already right. A plain cursor gives no column types, and psycopg's Float asks for one
    (it raises without): its driver returns Python floats itself."""
    impl = dialect.type_descriptor(type_)
    if isinstance(impl, Float) and not impl.asdecimal:
        return None
    return impl.result_processor(dialect, None)


def _converted(row: Sequence, converters) -> tuple:
    values = list(row)
    for index, convert in converters:
        values[index] = convert(values[index])
    return tuple(values)
