"""zones: delivery zones per shipping method, the shop's location, an order's zone

A new table (shipping_zone). Every existing shipping method becomes one zone of kind
"everywhere" with its current fee and free-above amount, so every order is priced as
before. The shop gets its location (latitude, longitude; None until the merchant sets
it), shown to the cart page's script, so the catalog-version triggers are made again
with the new public table and columns. Orders get the zone they were priced for and the
shopper's location when shared (None for every existing order).

Pickup and delivery times: each method gets its slot settings, off (slots_on false);
a new private table (slot_booking) counts the places taken per slot, and orders get
their slot (None for every existing order).

Revision ID: 0023_zones
Revises: 0022_order_edits
Create Date: 2026-12-06 02:20:00

"""
from alembic import op
import sqlalchemy as sa

from shop.models.catalog_version import create_triggers, drop_triggers
from shop.models.customers import create_customer_trigger, drop_customer_trigger


revision = '0023_zones'
down_revision = '0022_order_edits'
branch_labels = None
depends_on = None

OLD_TABLES = {
    'category': 'shop_id',
    'item': 'shop_id',
    'shipping_method': 'shop_id',
    'payment_method': 'shop_id',
    'item_photo': 'item_id',
    'option_group': 'item_id',
    'variant_stock': 'item_id',
    'option_choice': 'group_id',
}
OLD_SHOP_COLUMNS = [
    'slug', 'name', 'description', 'logo_id', 'whatsapp', 'currency', 'currency_exponent',
    'language', 'paused', 'pause_message', 'min_order_minor', 'time_zone', 'opening_hours',
    'closed_policy', 'greeting_text', 'closing_text', 'suspended_at', 'ask_phone',
    'meta_pixel_id', 'ga4_measurement_id',
    # 0021_customers: the shop's privacy page
    'privacy_text', 'forget_customers_after_months',
]
NEW_TABLES = {**OLD_TABLES, 'shipping_zone': 'shop_id'}
NEW_SHOP_COLUMNS = [*OLD_SHOP_COLUMNS, 'latitude', 'longitude']


def upgrade():
    bind = op.get_bind()
    drop_triggers(bind, OLD_TABLES)
    op.create_table('shipping_zone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('method_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('everywhere', 'list', 'postal', 'distance', name='zone_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('codes', sa.Text(), nullable=False),
    sa.Column('max_m', sa.Integer(), nullable=True),
    sa.Column('fee_minor', sa.BigInteger(), nullable=False),
    sa.Column('min_order_minor', sa.BigInteger(), nullable=True),
    sa.Column('free_above_minor', sa.BigInteger(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('fee_minor >= 0', name=op.f('ck_shipping_zone_zone_fee_not_negative')),
    sa.CheckConstraint('max_m IS NULL OR max_m > 0', name=op.f('ck_shipping_zone_zone_distance_positive')),
    sa.ForeignKeyConstraint(['method_id'], ['shipping_method.id'], name=op.f('fk_shipping_zone_method_id_shipping_method'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_shipping_zone_shop_id_shop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipping_zone'))
    )
    with op.batch_alter_table('shipping_zone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipping_zone_method_id'), ['method_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipping_zone_shop_id'), ['shop_id'], unique=False)

    # Each method as it was: one zone everywhere, at its fee.
    bind.execute(sa.text(
        "INSERT INTO shipping_zone (shop_id, method_id, kind, name, codes, max_m, fee_minor, "
        "min_order_minor, free_above_minor, position) "
        "SELECT shop_id, id, 'everywhere', '', '', NULL, price_minor, NULL, free_above_minor, 0 "
        "FROM shipping_method"
    ))

    # Plain ADD COLUMNs (not batch mode, which would copy the shop table on SQLite).
    op.add_column('shop', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('shop', sa.Column('longitude', sa.Float(), nullable=True))

    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zone_name', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('customer_lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('customer_lng', sa.Float(), nullable=True))
    # Pickup and delivery times: off for every existing method.
    with op.batch_alter_table('shipping_method', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slots_on', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('slot_minutes', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('lead_minutes', sa.Integer(), server_default='120', nullable=False))
        batch_op.add_column(sa.Column('order_by', sa.String(length=5), server_default='', nullable=False))
        batch_op.add_column(sa.Column('days_ahead', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('slot_capacity', sa.Integer(), server_default='0', nullable=False))
    op.create_table('slot_booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('method_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.CheckConstraint('taken >= 0', name=op.f('ck_slot_booking_slot_taken_not_negative')),
    sa.ForeignKeyConstraint(['method_id'], ['shipping_method.id'], name=op.f('fk_slot_booking_method_id_shipping_method'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_slot_booking_shop_id_shop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot_booking')),
    sa.UniqueConstraint('method_id', 'starts_at', name=op.f('uq_slot_booking_method_id_starts_at'))
    )
    with op.batch_alter_table('slot_booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slot_booking_shop_id'), ['shop_id'], unique=False)
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('slot_ends_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('slot_booking_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_shop_order_slot_at'), ['slot_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_shop_order_slot_booking_id_slot_booking'), 'slot_booking', ['slot_booking_id'], ['id'], ondelete='SET NULL')
    # SQLite copies shop_order to add a foreign key, and the copy has no triggers:
    # 0021's trigger giving each new order its customer is made again.
    drop_customer_trigger(bind)
    create_customer_trigger(bind)
    create_triggers(bind, NEW_TABLES, NEW_SHOP_COLUMNS)


def downgrade():
    bind = op.get_bind()
    drop_triggers(bind, NEW_TABLES)
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shop_order_slot_booking_id_slot_booking'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_shop_order_slot_at'))
        batch_op.drop_column('slot_booking_id')
        batch_op.drop_column('slot_ends_at')
        batch_op.drop_column('slot_at')
    with op.batch_alter_table('slot_booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slot_booking_shop_id'))
    op.drop_table('slot_booking')
    with op.batch_alter_table('shipping_method', schema=None) as batch_op:
        for column in ('slot_capacity', 'days_ahead', 'order_by', 'lead_minutes', 'slot_minutes', 'slots_on'):
            batch_op.drop_column(column)
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_column('customer_lng')
        batch_op.drop_column('customer_lat')
        batch_op.drop_column('zone_name')
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
    with op.batch_alter_table('shipping_zone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipping_zone_shop_id'))
        batch_op.drop_index(batch_op.f('ix_shipping_zone_method_id'))
    op.drop_table('shipping_zone')
    create_triggers(bind, OLD_TABLES, OLD_SHOP_COLUMNS)
    drop_customer_trigger(bind)  # shop_order was copied (SQLite) without it: made again
    create_customer_trigger(bind)
