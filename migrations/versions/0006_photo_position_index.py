"""item photos indexed by (item, position): a card's cover is one index probe

Revision ID: 0006_photo_position_index
Revises: 0005_ordering_rules
Create Date: 2026-11-24 23:30:00

The shop page reads every card's cover photo (the lowest position) in its one
statement; on the item_id index alone that is a sort per item. The composite index
also serves every lookup by item, so it replaces the single-column one.
"""
from alembic import op


revision = '0006_photo_position_index'
down_revision = '0005_ordering_rules'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item_photo', schema=None) as batch_op:
        batch_op.create_index('ix_item_photo_item_position', ['item_id', 'position'], unique=False)
        batch_op.drop_index('ix_item_photo_item_id')


def downgrade():
    with op.batch_alter_table('item_photo', schema=None) as batch_op:
        batch_op.create_index('ix_item_photo_item_id', ['item_id'], unique=False)
        batch_op.drop_index('ix_item_photo_item_position')
