"""catalog_quiet: inside moves_once the triggers note the first change of the shop and
leave its row alone for the rest, and the version moves once at the end; other shops,
other transactions and a failed write are not silenced."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from shop import catalog
from shop.extensions import db
from shop.models import CatalogQuiet
from shop.models.catalog_version import moves_once
from tests import factories


@pytest.fixture
def shop(app):
    with app.test_request_context():
        shop = factories.make_shop(factories.make_user())
        factories.make_item(shop, name="Taza")
        db.session.commit()
        yield shop


def version_of(shop_id: int) -> int:
    return db.session.execute(
        text("SELECT catalog_version FROM shop WHERE id = :id"), {"id": shop_id}
    ).scalar_one()


def quiet_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(CatalogQuiet))


def test_a_bulk_write_moves_the_version_once_without_touching_the_shop_row_per_row(shop):
    before = version_of(shop.id)
    other = factories.make_shop(factories.make_user("Bea"), slug="otra")
    db.session.commit()
    other_before = version_of(other.id)
    with moves_once(db.session, shop.id):
        for n in range(30):
            factories.make_item(shop, name=f"Vaso {n} 🥛")
        db.session.flush()
        assert version_of(shop.id) == before  # noted, not bumped per row
        assert db.session.scalar(select(CatalogQuiet.moved)) in (True, 1)
        factories.make_item(other, name="Suya")  # another shop is never quiet
        db.session.flush()
        assert version_of(other.id) == other_before + 1
    db.session.commit()
    assert version_of(shop.id) == before + 1
    assert quiet_rows() == 0  # never committed


def test_a_bulk_write_that_changes_nothing_moves_nothing(shop):
    before = version_of(shop.id)
    with moves_once(db.session, shop.id):
        pass
    db.session.commit()
    assert version_of(shop.id) == before
    assert quiet_rows() == 0


def test_a_failed_bulk_write_leaves_no_switch_even_if_the_caller_commits(shop):
    before = version_of(shop.id)

    def broken_import() -> None:
        with moves_once(db.session, shop.id):
            catalog.create_category(shop, "Nueva")
            raise RuntimeError("the import broke")

    with pytest.raises(RuntimeError):
        broken_import()
    db.session.commit()  # a careless caller: the switch went with the failure anyway
    assert quiet_rows() == 0
    catalog.create_category(shop, "Otra")
    db.session.commit()
    assert version_of(shop.id) > before  # the triggers bump as ever


def test_a_stray_switch_is_cleared_by_the_next_bulk_write(shop):
    db.session.add(CatalogQuiet(shop_id=shop.id, moved=True))  # as if left by hand
    db.session.commit()
    before = version_of(shop.id)
    with moves_once(db.session, shop.id):
        catalog.create_category(shop, "Nueva")
    db.session.commit()
    assert quiet_rows() == 0
    assert version_of(shop.id) == before + 1
