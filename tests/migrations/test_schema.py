"""The schema is made by Alembic alone, and it matches the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shop.extensions import db


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_foreign_keys_are_enforced(app):
    """ON DELETE SET NULL only keeps items when the database enforces foreign keys."""
    from tests import factories

    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user)
        category = factories.make_category(shop)
        item = factories.make_item(shop, category)
        db.session.commit()
        db.session.delete(category)
        db.session.commit()
        db.session.refresh(item)
        assert item.category_id is None


def test_sqlite_reads_never_wait_for_a_write(app):
    """Write-ahead logging: a shopper's read goes on while a merchant's write is open,
    and sees the last committed catalog until that write commits."""
    import pytest
    from sqlalchemy import text

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("a SQLite setting: PostgreSQL's readers never wait for writers (MVCC)")
        from tests import factories

        shop = factories.make_shop(factories.make_user(), name="Antes")
        db.session.commit()
        with db.engine.connect() as writer, db.engine.connect() as reader:
            assert writer.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            writer.execute(text("UPDATE shop SET name = 'Después' WHERE id = :id"), {"id": shop.id})
            read = reader.execute(text("SELECT name FROM shop WHERE id = :id"), {"id": shop.id})
            assert read.scalar() == "Antes"
            writer.commit()
            read = reader.execute(text("SELECT name FROM shop WHERE id = :id"), {"id": shop.id})
            assert read.scalar() == "Después"
