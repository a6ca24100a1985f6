"""order flow: preparing and ready statuses, who moved an order and why, the shopper's number

Two statuses join the four of round one (new, confirmed, delivered, cancelled keep their
names, so every existing order keeps its status and history as they are). A status change
now records the merchant who made it (none for the rows before, and for an account deleted
since) and an optional note (the reason for a cancellation). Orders get the shopper's
WhatsApp number (E.164, "" for every existing order) and shops the setting that asks for
it at checkout, "optional" for every existing shop.

The status CHECK constraints are replaced in batch mode, which on SQLite copies the table.

Revision ID: 0013_order_flow
Revises: 0012_link_shared
Create Date: 2026-12-05 11:30:00

"""
from alembic import op
import sqlalchemy as sa

from shop.models.catalog_version import create_triggers, drop_triggers


revision = '0013_order_flow'
down_revision = '0012_link_shared'
branch_labels = None
depends_on = None

OLD_STATUSES = ('new', 'confirmed', 'delivered', 'cancelled')
NEW_STATUSES = ('new', 'confirmed', 'preparing', 'ready', 'delivered', 'cancelled')
# (table, the enum's name in the models): the constraint is ck_<table>_<name>.
STATUS_COLUMNS = (('shop_order', 'order_status'), ('order_status_change', 'order_status_change'))


# The catalog-version triggers of 0009 (shop/models/catalog_version.py): the shop's new
# setting shows on its public pages (checkout asks for the number or not), so it moves
# the version too. The triggers name the shop table, which batch mode copies on SQLite,
# so they are dropped first and made again after.
TABLES = {
    'category': 'shop_id',
    'item': 'shop_id',
    'shipping_method': 'shop_id',
    'payment_method': 'shop_id',
    'item_photo': 'item_id',
    'option_group': 'item_id',
    'variant_stock': 'item_id',
    'option_choice': 'group_id',
}
SHOP_COLUMNS_0009 = [
    'slug', 'name', 'description', 'logo_id', 'whatsapp', 'currency', 'currency_exponent',
    'language', 'paused', 'pause_message', 'min_order_minor', 'time_zone', 'opening_hours',
    'closed_policy', 'greeting_text', 'closing_text', 'suspended_at',
]
SHOP_COLUMNS = SHOP_COLUMNS_0009 + ['ask_phone']


def _replace_status_check(statuses):
    for table, name in STATUS_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f('ck_%s_%s' % (table, name)), type_='check')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(
                op.f('ck_%s_%s' % (table, name)),
                sa.column('status').in_(statuses),
            )


def upgrade():
    _replace_status_check(NEW_STATUSES)
    with op.batch_alter_table('order_status_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(
            batch_op.f('fk_order_status_change_changed_by_id_user_account'),
            'user_account', ['changed_by_id'], ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_phone', sa.String(length=16), nullable=False, server_default=''))
    drop_triggers(op.get_bind(), TABLES)
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'ask_phone',
            sa.Enum('off', 'optional', 'required', name='ask_phone', native_enum=False, create_constraint=True, length=20),
            nullable=False, server_default='optional',
        ))
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS)


def downgrade():
    # The two new statuses have no round-one name: a preparing or ready order was
    # confirmed as far as round one could tell.
    for table, _name in STATUS_COLUMNS:
        op.execute(
            sa.text(
                "UPDATE %s SET status = 'confirmed' WHERE status IN ('preparing', 'ready')" % table
            )
        )
    drop_triggers(op.get_bind(), TABLES)
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_shop_ask_phone'), type_='check')
        batch_op.drop_column('ask_phone')
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS_0009)
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_column('customer_phone')
    with op.batch_alter_table('order_status_change', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_order_status_change_changed_by_id_user_account'), type_='foreignkey'
        )
        batch_op.drop_column('note')
        batch_op.drop_column('changed_by_id')
    _replace_status_check(OLD_STATUSES)
