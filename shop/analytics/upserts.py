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


def add_many(model, key: list[str], rows: list[tuple]) -> None:
    """add_to for many rows in one executemany: each row is the key's values then a
    dict of amounts (every row the same amounts' names, in `rows`'s order)."""
    if not rows:
        return
    names = list(rows[0][-1])
    statement = _insert(model.__table__)
    column = model.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=key,
        set_={name: column[name] + statement.excluded[name] for name in names},
    )
    params = [dict(zip(key, row[:-1], strict=True)) | row[-1] for row in rows]
    db.session.execute(statement, params)


def insert_many_ignore(model, rows: list[dict], key: list[str]) -> set[tuple]:
    """Insert the rows whose key is free, in one statement; the keys of those it made."""
    if not rows:
        return set()
    table = model.__table__
    statement = (
        _insert(table)
        .on_conflict_do_nothing(index_elements=key)
        .returning(*(table.c[name] for name in key))
    )
    # An executemany that SQLAlchemy sends as multi-row statements ("insertmanyvalues"),
    # compiled once and cached, with the rows each one made.
    return {tuple(row) for row in db.session.execute(statement, rows)}
