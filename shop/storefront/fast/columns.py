"""Rows read by name: a view's fields say which column each is read from.

A page's view (ShopView, CardRow, ItemView, ...) is a dataclass whose first fields
are declared with `column`, and its statement selects `columns(View)`: those
columns, in the fields' order, each labelled with its field's name. So adding a
column is one line in the view, and nothing counts positions by hand:

- a statement made of exactly the view's columns gives rows in the view's own order,
  so ``View(*row)`` is right by construction (the hottest reads, plain tuples from
  plain_sql.PlainSelect, cost nothing more this way);
- a statement with other columns besides (a UNION's parts) labels the view's with a
  prefix and reads them back by name: ``read(View, row, prefix)``.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, field, fields
from functools import cache
from typing import Any

_SQL = "vitrina.column"


def column(sql, *, default: Any = MISSING) -> Any:
    """A view's field read from `sql`, a column expression (``column(Shop.slug)``)."""
    if default is MISSING:
        return field(metadata={_SQL: sql})
    return field(default=default, metadata={_SQL: sql})


@cache
def _column_fields(view: type) -> tuple[Field, ...]:
    declared = [f for f in fields(view) if _SQL in f.metadata]
    if fields(view)[: len(declared)] != tuple(declared):
        raise TypeError(f"{view.__name__}: fields read from columns must come first")
    return tuple(declared)


@cache
def names(view: type, prefix: str = "") -> tuple[str, ...]:
    """The labels of the view's columns, in order."""
    return tuple(prefix + f.name for f in _column_fields(view))


def columns(view: type, prefix: str = "") -> list:
    """The view's columns, in its fields' order, labelled with their names."""
    return [f.metadata[_SQL].label(prefix + f.name) for f in _column_fields(view)]


def labelled(view: type, prefix: str = "") -> dict[str, Any]:
    """The view's columns by label (for a statement that has others too)."""
    return {prefix + f.name: f.metadata[_SQL] for f in _column_fields(view)}


def position(view: type, name: str) -> int:
    """Where the column of field `name` is in a row of exactly `columns(view)`."""
    return names(view).index(name)


def read(view: type, row, prefix: str = ""):
    """The view from a SQLAlchemy Row or a mapping of labels to values, each field from
    the column of its name."""
    values = getattr(row, "_mapping", row)
    return view(*(values[label] for label in names(view, prefix)))
