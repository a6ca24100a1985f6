"""update texts: the merchant's own line for each message telling the shopper an order
moved on; and the merchant's devices told of new orders by Web Push

One nullable JSON column; every existing shop arrives with NULL, which is the default
texts in the order's language, exactly what its shoppers were sent before. The column is
private (no public page shows it), so the catalog-version triggers stay as they are: a
plain ADD COLUMN on SQLite leaves them alone. The push_subscription table is new and
empty: a merchant turns it on per device.

Revision ID: 0018_update_texts
Revises: 0017_pixels
Create Date: 2026-12-05 23:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_update_texts'
down_revision = '0017_pixels'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('shop', sa.Column('update_texts', sa.JSON(), nullable=True))
    op.create_table(
        'push_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.Text(), nullable=False),
        sa.Column('p256dh', sa.String(length=100), nullable=False),
        sa.Column('auth', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_push_subscription_shop_id_shop'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_push_subscription_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscription')),
        sa.UniqueConstraint('shop_id', 'endpoint', name=op.f('uq_push_subscription_shop_id_endpoint')),
    )
    with op.batch_alter_table('push_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscription_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscription_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('push_subscription')
    # Plain DROP COLUMN (SQLite 3.35+), never batch mode: copying the shop table would
    # break the catalog-version triggers that name it.
    op.drop_column('shop', 'update_texts')
