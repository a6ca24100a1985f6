"""coupons: discount codes and automatic discounts, and what each order took off

A new table (discount). Every existing order and line arrives with no discount (code
and name "", amounts 0, no discount_id), which is what it had: its total is unchanged.
Every shop starts without an automatic discount. No public page reads the new columns,
so the catalog-version triggers stay as they are; going down drops a shop column, which
on SQLite copies the shop table, so the triggers are dropped first and made again after.

Revision ID: 0020_coupons
Revises: 0019_team
Create Date: 2026-12-05 23:28:35.730390

"""
from alembic import op
import sqlalchemy as sa

from shop.models.catalog_version import create_triggers, drop_triggers


revision = '0020_coupons'
down_revision = '0019_team'
branch_labels = None
depends_on = None

# The triggers as 0017_pixels made them (this revision adds no public table or column):
# the downgrade makes them again after copying the shop table on SQLite.
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
SHOP_COLUMNS = [
    'slug', 'name', 'description', 'logo_id', 'whatsapp', 'currency', 'currency_exponent',
    'language', 'paused', 'pause_message', 'min_order_minor', 'time_zone', 'opening_hours',
    'closed_policy', 'greeting_text', 'closing_text', 'suspended_at', 'ask_phone',
    'meta_pixel_id', 'ga4_measurement_id',
]


def upgrade():
    op.create_table('discount',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('percent', 'fixed', 'free_shipping', name='discount_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('min_order_minor', sa.BigInteger(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=True),
    sa.Column('max_uses_per_customer', sa.Integer(), nullable=True),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('category_ids', sa.JSON(), nullable=False),
    sa.Column('item_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('uses >= 0', name=op.f('ck_discount_uses_not_negative')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_discount_value_not_negative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_discount_shop_id_shop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount')),
    sa.UniqueConstraint('shop_id', 'code', name=op.f('uq_discount_shop_id_code'))
    )
    with op.batch_alter_table('discount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_discount_shop_id'), ['shop_id'], unique=False)

    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_minor', sa.BigInteger(), server_default='0', nullable=False))

    # A plain ADD COLUMN (not batch mode, which would copy the shop table on SQLite).
    op.add_column('shop', sa.Column('has_automatic_discount', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_code', sa.String(length=32), server_default='', nullable=False))
        batch_op.add_column(sa.Column('discount_name', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('discount_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('discount_shipping_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('discount_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_shop_order_discount_id'), ['discount_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_shop_order_discount_id_discount'), 'discount', ['discount_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shop_order_discount_id_discount'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_shop_order_discount_id'))
        batch_op.drop_column('discount_id')
        batch_op.drop_column('discount_shipping_minor')
        batch_op.drop_column('discount_minor')
        batch_op.drop_column('discount_name')
        batch_op.drop_column('discount_code')

    bind = op.get_bind()
    drop_triggers(bind, TABLES)
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.drop_column('has_automatic_discount')
    create_triggers(bind, TABLES, SHOP_COLUMNS)

    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_column('discount_minor')

    with op.batch_alter_table('discount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discount_shop_id'))

    op.drop_table('discount')
