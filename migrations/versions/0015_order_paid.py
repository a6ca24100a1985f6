"""order paid: when an order was marked paid, how, with what reference and by whom; and
how new orders are noticed

Every existing order arrives unpaid (paid_at NULL): round one never recorded a payment,
and guessing one from the status would put money in the books that may never have come.
Every shop highlights orders still new after 15 minutes and sends no e-mail per order
until its merchant turns that on. The two shop columns are private (no public page shows
them), so the catalog-version triggers stay as they are; a plain ADD COLUMN on SQLite
leaves them alone.

Revision ID: 0015_order_paid
Revises: 0014_analytics
Create Date: 2026-12-05 18:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_order_paid'
down_revision = '0014_analytics'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('paid_method', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('paid_reference', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('paid_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_shop_order_paid_by_id_user_account'),
            'user_account', ['paid_by_id'], ['id'], ondelete='SET NULL',
        )
    op.add_column('shop', sa.Column('stale_after_minutes', sa.Integer(), nullable=False, server_default='15'))
    op.add_column('shop', sa.Column('email_new_orders', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), never batch mode: copying the shop table would
    # break the catalog-version triggers that name it.
    op.drop_column('shop', 'email_new_orders')
    op.drop_column('shop', 'stale_after_minutes')
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shop_order_paid_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('paid_by_id')
        batch_op.drop_column('paid_reference')
        batch_op.drop_column('paid_method')
        batch_op.drop_column('paid_at')
