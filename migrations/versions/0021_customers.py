"""customers: everyone who ordered, matched by WhatsApp number or name (issue 20)

A new table (customer) and, on each order, the key it was matched by and its customer.
Existing orders become customers here: numbers are read again in the shop's country and
kept in E.164 (``+34 612 34 56 78`` and ``612345678`` in a Spanish shop are one number),
orders without one are matched by their name folded; each customer takes the name of
their first order. From now on a trigger gives each new order its customer as it is
inserted (shop.models.customers). Two indexes serve the orders list at 10,000 orders.

The shop gains its privacy text and how long customers are kept; both show on the
public privacy page, so the catalog-version triggers are made again with them.

Revision ID: 0021_customers
Revises: 0020_coupons
Create Date: 2026-12-06 02:20:00

"""
from collections import defaultdict

import phonenumbers
import sqlalchemy as sa
from alembic import op

from shop.models.catalog_version import create_triggers, drop_triggers
from shop.models.customers import create_customer_trigger, customer_key, drop_customer_trigger

revision = '0021_customers'
down_revision = '0020_coupons'
branch_labels = None
depends_on = None

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
PRIVACY_COLUMNS = ['privacy_text', 'forget_customers_after_months']

shop_t = sa.table('shop', sa.column('id'), sa.column('whatsapp'))
order_t = sa.table(
    'shop_order', sa.column('id'), sa.column('shop_id'), sa.column('customer_name'),
    sa.column('customer_phone'), sa.column('customer_key'), sa.column('customer_id'),
    sa.column('created_at'),
)
customer_t = sa.table(
    'customer', sa.column('id'), sa.column('shop_id'), sa.column('key'), sa.column('name'),
    sa.column('phone'), sa.column('note'), sa.column('tags'), sa.column('created_at'),
)


def upgrade():
    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=130), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('tags', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['merged_into_id'], ['customer.id'], name=op.f('fk_customer_merged_into_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_customer_shop_id_shop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('shop_id', 'key', name=op.f('uq_customer_shop_id_key'))
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_merged_into_id'), ['merged_into_id'], unique=False)

    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_key', sa.String(length=130), server_default='', nullable=False))
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_shop_order_customer_id_customer'), 'customer', ['customer_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_shop_order_shop_id_status_number', ['shop_id', 'status', 'number', 'paid_at'], unique=False, postgresql_include=['id'])
        batch_op.create_index('ix_shop_order_customer_id_number', ['customer_id', 'number'], unique=False)

    bind = op.get_bind()
    drop_triggers(bind, TABLES)
    op.add_column('shop', sa.Column('privacy_text', sa.Text(), nullable=False, server_default=''))
    op.add_column('shop', sa.Column('forget_customers_after_months', sa.Integer(), nullable=True))
    create_triggers(bind, TABLES, SHOP_COLUMNS + PRIVACY_COLUMNS)

    _customers_from_orders(bind)
    create_customer_trigger(bind)


def _region(whatsapp: str) -> str:
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(whatsapp or ''))
    except phonenumbers.NumberParseException:
        return 'ES'
    return region if region and region != 'ZZ' else 'ES'


def _e164(region: str, typed: str) -> str:
    """The number in E.164 when it is one; "" when it is not (matched by name instead)."""
    try:
        parsed = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return ''
    if not phonenumbers.is_valid_number(parsed):
        return ''
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _customers_from_orders(bind) -> None:
    regions = {row.id: _region(row.whatsapp) for row in bind.execute(sa.select(shop_t))}
    orders = bind.execute(
        sa.select(order_t.c.id, order_t.c.shop_id, order_t.c.customer_name,
                  order_t.c.customer_phone, order_t.c.created_at)
        .order_by(order_t.c.created_at, order_t.c.id)
    ).all()
    groups = defaultdict(list)  # (shop, key) -> [(order id, phone)], oldest first
    first = {}
    for order in orders:
        typed = (order.customer_phone or '').strip()
        phone = _e164(regions.get(order.shop_id, 'ES'), typed) if typed else ''
        key = customer_key(order.customer_name or '', phone)
        if not key:
            continue
        groups[(order.shop_id, key)].append((order.id, phone or typed))
        first.setdefault((order.shop_id, key), order)
    for (shop_id, key), members in groups.items():
        order = first[(shop_id, key)]
        phone = key if not key.startswith('n:') else ''
        customer_id = bind.execute(
            sa.insert(customer_t).values(
                shop_id=shop_id, key=key, name=(order.customer_name or '')[:120],
                phone=phone, note='', tags='', created_at=order.created_at,
            ).returning(customer_t.c.id)
        ).scalar_one()
        ids = [order_id for order_id, _phone in members]
        values = {'customer_key': key, 'customer_id': customer_id}
        if phone:
            values['customer_phone'] = phone  # each order's number, written in E.164
        for start in range(0, len(ids), 500):
            bind.execute(
                sa.update(order_t).where(order_t.c.id.in_(ids[start:start + 500])).values(**values)
            )


def downgrade():
    bind = op.get_bind()
    drop_customer_trigger(bind)
    drop_triggers(bind, TABLES)
    op.drop_column('shop', 'forget_customers_after_months')
    op.drop_column('shop', 'privacy_text')
    create_triggers(bind, TABLES, SHOP_COLUMNS)

    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_index('ix_shop_order_customer_id_number')
        batch_op.drop_index('ix_shop_order_shop_id_status_number')
        batch_op.drop_constraint(batch_op.f('fk_shop_order_customer_id_customer'), type_='foreignkey')
        batch_op.drop_column('customer_id')
        batch_op.drop_column('customer_key')

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_merged_into_id'))
    op.drop_table('customer')
