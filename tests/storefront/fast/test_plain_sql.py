"""PlainSelect: the hottest reads as the driver's tuples, with SQLAlchemy's guarantees."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    select,
    type_coerce,
)
from sqlalchemy.exc import DBAPIError

from shop.extensions import db
from shop.models import Availability, ClosedPolicy, Item, Shop
from shop.storefront.fast.plain_sql import PlainSelect
from tests import factories

SHOP = PlainSelect(
    select(
        Shop.id,
        Shop.name,
        Shop.created_at,
        Shop.paused,
        Shop.opening_hours,
        Shop.closed_policy,
    ).where(Shop.slug == bindparam("slug"))
)
# Enum constants in the statement itself (bound as their stored values), a LIMIT.
VISIBLE = PlainSelect(
    select(Item.name, type_coerce(Item.availability, String), type_coerce(Item.is_service, Integer))
    .where(Item.shop_id == bindparam("shop_id"), Item.availability != Availability.HIDDEN)
    .order_by(Item.id)
    .limit(10)
)


@pytest.fixture
def shop(app):
    with app.app_context():
        owner = factories.make_user()
        shop = factories.make_shop(
            owner,
            slug="plana-ñ",
            name="Tienda 🌵 «Plana»",
            opening_hours={"0": [["09:00", "14:00"]]},
            closed_policy=ClosedPolicy.NOTE,
        )
        for name, availability in (
            ("Visible", Availability.AVAILABLE),
            ("Oculto", Availability.HIDDEN),
            ("Agotado", Availability.SOLD_OUT),
        ):
            factories.make_item(shop, name=name, availability=availability, is_service=True)
        db.session.commit()
        return shop.id


def test_rows_are_converted_as_sqlalchemy_converts_them(app, shop):
    with app.app_context(), db.engine.connect() as connection:
        plain = SHOP.first(connection, slug="plana-ñ")
        orm = connection.execute(SHOP.statement, {"slug": "plana-ñ"}).one()
    assert plain == tuple(orm)
    assert plain[1] == "Tienda 🌵 «Plana»"
    assert isinstance(plain[2], datetime)
    assert plain[3] is False
    assert plain[4] == {"0": [["09:00", "14:00"]]}
    assert plain[5] is ClosedPolicy.NOTE


def test_coerced_columns_come_as_the_driver_gives_them(app, shop):
    with app.app_context(), db.engine.connect() as connection:
        rows = VISIBLE.rows(connection, shop_id=shop)
    assert [row[0] for row in rows] == ["Visible", "Agotado"]  # the enum constant applied
    assert [row[1] for row in rows] == ["available", "sold_out"]
    assert rows[1][1] == Availability.SOLD_OUT  # a str enum: equal to the stored value
    assert all(row[2] in (1, True) for row in rows)


def test_no_row_is_none_and_no_rows_is_empty(app, shop):
    with app.app_context(), db.engine.connect() as connection:
        assert SHOP.first(connection, slug="nadie") is None
        assert VISIBLE.rows(connection, shop_id=shop + 1000) == []


def test_event_listeners_see_every_statement(app, shop):
    """Statement counters (tests, benchmarks) and the fault tests' cuts hook here."""
    seen = []
    with app.app_context(), db.engine.connect() as connection:
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            SHOP.first(connection, slug="plana-ñ")
            VISIBLE.rows(connection, shop_id=shop)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(seen) == 2
    assert all(statement.lstrip().upper().startswith("SELECT") for statement in seen)


def test_driver_errors_arrive_as_sqlalchemy_errors(app, shop):
    doomed = Table("doomed", MetaData(), Column("id", Integer))
    read_doomed = PlainSelect(select(doomed.c.id))
    with app.app_context(), db.engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE doomed (id INTEGER)")
        assert read_doomed.rows(connection) == []
        connection.exec_driver_sql("DROP TABLE doomed")
        with pytest.raises(DBAPIError):
            read_doomed.rows(connection)
        connection.rollback()
        assert SHOP.first(connection, slug="plana-ñ")[0] == shop  # the connection still works
