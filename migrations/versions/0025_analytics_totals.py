"""analytics totals: each kind's day total kept beside its products' rows, and two
small indexes for what the analytics page reads over a year

Product views and adds to cart were kept per product only, so a day's figures summed
every product's row: a year of a 1,000-product shop is a scan of some 140,000 rows.
Every writer now also moves the kind's day total (the row of item 0); existing days
get theirs here, summed from their products' rows (added to a total row already there,
never replacing it). Downgrading removes the totals again, so the rows left are exactly
those the code before this change wrote.

Revision ID: 0025_analytics_totals
Revises: 0024_domains
Create Date: 2026-12-06 06:45:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0025_analytics_totals"
down_revision = "0024_domains"
branch_labels = None
depends_on = None

ITEM_KINDS = ("product_view", "add")


def upgrade():
    kinds = ", ".join(f"'{kind}'" for kind in ITEM_KINDS)
    # "WHERE true" settles SQLite's parse of INSERT ... SELECT ... ON CONFLICT.
    op.execute(
        "INSERT INTO analytics_day (shop_id, day, kind, item_id, count) "
        "SELECT shop_id, day, kind, 0, sum(count) FROM analytics_day "
        f"WHERE item_id <> 0 AND kind IN ({kinds}) GROUP BY shop_id, day, kind "
        "ON CONFLICT (shop_id, day, kind, item_id) "
        "DO UPDATE SET count = analytics_day.count + excluded.count"
    )
    op.create_index(
        "ix_analytics_day_totals",
        "analytics_day",
        ["shop_id", "day", "kind", "count"],
        sqlite_where=sa.text("item_id = 0"),
        postgresql_where=sa.text("item_id = 0"),
    )
    op.create_index(
        "ix_analytics_day_product_views",
        "analytics_day",
        ["shop_id", "day", "item_id", "count"],
        sqlite_where=sa.text("kind = 'product_view'"),
        postgresql_where=sa.text("kind = 'product_view'"),
    )


def downgrade():
    op.drop_index("ix_analytics_day_product_views", table_name="analytics_day")
    op.drop_index("ix_analytics_day_totals", table_name="analytics_day")
    kinds = ", ".join(f"'{kind}'" for kind in ITEM_KINDS)
    # Exactly the totals this migration and the code after it made: the code before
    # never counted a product view or an add without its product.
    op.execute(f"DELETE FROM analytics_day WHERE item_id = 0 AND kind IN ({kinds})")
