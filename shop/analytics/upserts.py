"""Insert-or-add in one statement, on SQLite and PostgreSQL alike (both speak
``INSERT ... ON CONFLICT``): counters move under concurrent writers without a lost
increment, and a row exists once per key however many events arrive."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from shop.extensions import db


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def add_to(model, key: dict, amounts: dict) -> None:
    """Add `amounts` to the row named by `key`, making it (from zero) if it is new."""
    statement = _insert(model).values(**key, **amounts)
    column = model.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: column[name] + statement.excluded[name] for name in amounts},
    )
    db.session.execute(statement)


def insert_ignore(model, values: dict, key: list[str]) -> bool:
    """Insert the row unless its key is taken; True when this call made it."""
    statement = (
        _insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=key)
        .returning(model.__table__.c[key[0]])
    )
    # RETURNING names the row made (rowcount is not reliable on every driver).
    return db.session.execute(statement).first() is not None
