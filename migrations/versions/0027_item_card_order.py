"""item card order: the shop page's index on items covers the visibility it filters on

The shop page's first view (storefront/fast/first_view.py) counts each category's
visible items and finds where each part ends. With (shop_id, category_id, position)
the index gave the order but every item's row was read to see whether it is hidden;
with availability in the index both are answered from the index alone. It replaces
the old index, of which it is an extension (every query that used the old one can use
it). No data changes; a downgrade restores the old index.

Revision ID: 0027_item_card_order
Revises: 0026_order_counts
Create Date: 2026-12-06 20:05:00

"""

from alembic import op


revision = "0027_item_card_order"
down_revision = "0026_order_counts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_item_shop_card_order",
        "item",
        ["shop_id", "category_id", "position", "availability"],
    )
    op.drop_index("ix_item_shop_category_position", table_name="item")


def downgrade():
    op.create_index(
        "ix_item_shop_category_position", "item", ["shop_id", "category_id", "position"]
    )
    op.drop_index("ix_item_shop_card_order", table_name="item")
