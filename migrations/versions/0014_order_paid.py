"""order paid: when an order was marked paid, how, with what reference and by whom

Every existing order arrives unpaid (paid_at NULL): round one never recorded a payment,
and guessing one from the status would put money in the books that may never have come.

Revision ID: 0014_order_paid
Revises: 0013_order_flow
Create Date: 2026-12-05 18:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_order_paid'
down_revision = '0013_order_flow'
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


def downgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shop_order_paid_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('paid_by_id')
        batch_op.drop_column('paid_reference')
        batch_op.drop_column('paid_method')
        batch_op.drop_column('paid_at')
