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
