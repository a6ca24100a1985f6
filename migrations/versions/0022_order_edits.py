"""order edits: an order's version (two tabs editing it: one wins), whether the merchant
recorded it by hand, and history rows that record an edit (kind, before and after)

Every existing order arrives at version 0, sent by a shopper; every existing history row
is a move to a status (kind 'status', no details), which is what it was. No shop column
changes, so the catalog-version triggers stay as they are.

Revision ID: 0022_order_edits
Revises: 0021_customers
Create Date: 2026-12-06 02:30:00

"""
from alembic import op
import sqlalchemy as sa

from shop.models.customers import create_customer_trigger, drop_customer_trigger


revision = '0022_order_edits'
down_revision = '0021_customers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('by_merchant', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('order_status_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='status'))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_order_status_change_order_change_kind'), "kind IN ('status', 'edit')"
        )
    _customer_trigger_again()


def downgrade():
    # An edit row has no status move of its own: going back, it would read as a second
    # move to the status the order had, so edits are dropped (their lines stay edited).
    op.execute("DELETE FROM order_status_change WHERE kind = 'edit'")
    with op.batch_alter_table('order_status_change', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_order_status_change_order_change_kind'), type_='check')
        batch_op.drop_column('details')
        batch_op.drop_column('kind')
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_column('by_merchant')
        batch_op.drop_column('version')
    _customer_trigger_again()


def _customer_trigger_again():
    """SQLite may copy shop_order to change it, and the copy has no triggers: 0021's
    trigger giving each new order its customer is made again."""
    bind = op.get_bind()
    drop_customer_trigger(bind)
    create_customer_trigger(bind)
