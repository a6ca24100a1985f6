"""order counts: each shop's orders by status and paid, kept by triggers; an index for
the orders list's shipping filter

The orders list counted a shop's orders by status and paid, and looked for the newest
history row, on every page: both read every order of the shop, which made a page at
10,000 orders cost twice one at 10. `order_count` keeps those counts (at most twelve
rows a shop), moved by triggers on every write of an order or its history
(shop.models.order_counts); the orders already there are counted here. The index
(shop_id, shipping_name, number) serves `?shipping=` newest first.

Revision ID: 0026_order_counts
Revises: 0025_analytics_totals
Create Date: 2026-12-06 19:50:00

"""

from alembic import op
import sqlalchemy as sa

from shop.models.order_counts import (
    COUNT_ORDERS,
    create_order_count_triggers,
    drop_order_count_triggers,
)


revision = "0026_order_counts"
down_revision = "0025_analytics_totals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "order_count",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("latest_order_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_order_count_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", "status", "paid", name=op.f("pk_order_count")),
    )
    op.create_index(
        "ix_shop_order_shop_id_shipping_name_number",
        "shop_order",
        ["shop_id", "shipping_name", "number"],
    )
    bind = op.get_bind()
    # Counted and triggered in one transaction on PostgreSQL (transactional DDL); on
    # SQLite nothing else writes while a migration runs.
    bind.exec_driver_sql(COUNT_ORDERS)
    create_order_count_triggers(bind, history="order_status_change")


def downgrade():
    drop_order_count_triggers(op.get_bind(), history="order_status_change")
    op.drop_index("ix_shop_order_shop_id_shipping_name_number", table_name="shop_order")
    op.drop_table("order_count")
