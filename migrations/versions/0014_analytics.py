"""analytics: daily counters, sources and the day's visitor hashes (issue 22)

Four new tables, empty at first: nothing existing changes. Orders are counted from the
orders table itself, so every past order shows in the analytics from day one.

Revision ID: 0014_analytics
Revises: 0013_order_flow
Create Date: 2026-12-05 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_analytics'
down_revision = '0013_order_flow'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'analytics_day',
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('count', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_analytics_day_shop_id_shop'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('shop_id', 'day', 'kind', 'item_id', name=op.f('pk_analytics_day')),
    )
    op.create_table(
        'analytics_source',
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('campaign', sa.String(length=60), nullable=False),
        sa.Column('visitors', sa.BigInteger(), nullable=False),
        sa.Column('views', sa.BigInteger(), nullable=False),
        sa.Column('orders', sa.BigInteger(), nullable=False),
        sa.Column('revenue_minor', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_analytics_source_shop_id_shop'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('shop_id', 'day', 'source', 'campaign', name=op.f('pk_analytics_source')),
    )
    op.create_table(
        'analytics_visitor',
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('digest', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_analytics_visitor_shop_id_shop'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('shop_id', 'day', 'digest', name=op.f('pk_analytics_visitor')),
    )
    op.create_table(
        'analytics_salt',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('salt', sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_analytics_salt')),
    )


def downgrade():
    op.drop_table('analytics_salt')
    op.drop_table('analytics_visitor')
    op.drop_table('analytics_source')
    op.drop_table('analytics_day')
