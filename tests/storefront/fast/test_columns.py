"""Rows read by name (shop/storefront/fast/columns.py): a view's fields name their
columns, statements are made of them, and rows come back in the view's own order."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import bindparam, select

from shop.extensions import db
from shop.models import Item, Shop
from shop.storefront.fast.columns import column, columns, labelled, names, position, read
from shop.storefront.fast.plain_sql import PlainSelect
from shop.storefront.fast.rows import read_shop
from tests import factories


@dataclass(slots=True)
class Brief:
    slug: str = column(Shop.slug)
    name: str = column(Shop.name)
    currency: str = column(Shop.currency)
    notes: list = field(default_factory=list)  # not a column: after the columns


def test_a_views_columns_are_its_fields_in_order_labelled_with_their_names():
    assert names(Brief) == ("slug", "name", "currency")
    assert [c.name for c in columns(Brief)] == ["slug", "name", "currency"]
    assert list(labelled(Brief, "shop_")) == ["shop_slug", "shop_name", "shop_currency"]
    assert position(Brief, "currency") == 2


def test_fields_read_from_columns_come_first():
    @dataclass
    class Muddled:
        notes: list = field(default_factory=list)
        slug: str = column(Shop.slug, default="")

    with pytest.raises(TypeError, match="Muddled: fields read from columns must come first"):
        names(Muddled)


@pytest.fixture
def shop(app):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="por-nombre", name="Por nombre")
        factories.make_item(shop, name="Taza")
        db.session.commit()
        return shop.id


def test_a_plain_row_becomes_its_view_positionally(app, shop):
    statement = PlainSelect(select(*columns(Brief)).where(Shop.slug == bindparam("slug")))
    with app.app_context(), db.engine.connect() as connection:
        brief = Brief(*statement.first(connection, slug="por-nombre"))
    assert (brief.slug, brief.name, brief.notes) == ("por-nombre", "Por nombre", [])


def test_a_row_with_other_columns_is_read_by_name(app, shop):
    statement = select(Item.name.label("item"), *columns(Brief, "shop_")).join(Shop)
    with app.app_context():
        row = db.session.execute(statement).one()
    assert read(Brief, row, "shop_") == Brief("por-nombre", "Por nombre", "EUR")


def test_the_shop_view_is_read_whole(app, shop):
    with app.app_context(), db.engine.connect() as connection:
        view = read_shop(connection, "por-nombre")
    assert (view.id, view.slug, view.name) == (shop, "por-nombre", "Por nombre")
    assert view.logo is None
    assert view.suspended in (0, False)
