"""ordering rules: minimum order, free shipping, opening hours, payment methods, message texts

Revision ID: 0005_ordering_rules
Revises: 0004_options_stock
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_ordering_rules'
down_revision = '0004_options_stock'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payment_method',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('cash', 'bank_transfer', 'link', 'other', name='payment_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_payment_method_shop_id_shop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_method'))
    )
    with op.batch_alter_table('payment_method', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_method_shop_id'), ['shop_id'], unique=False)

    # Existing rows get the defaults: no minimum, always open, today's message texts.
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_order_minor', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('opening_hours', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('closed_policy', sa.Enum('refuse', 'note', name='closed_policy', native_enum=False, create_constraint=True, length=20), nullable=False, server_default='refuse'))
        batch_op.add_column(sa.Column('greeting_text', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('closing_text', sa.String(length=300), nullable=False, server_default=''))

    with op.batch_alter_table('shipping_method', schema=None) as batch_op:
        batch_op.add_column(sa.Column('free_above_minor', sa.BigInteger(), nullable=True))

    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_kind', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('payment_name', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('payment_details', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('closed_note', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_column('closed_note')
        batch_op.drop_column('payment_details')
        batch_op.drop_column('payment_name')
        batch_op.drop_column('payment_kind')

    with op.batch_alter_table('shipping_method', schema=None) as batch_op:
        batch_op.drop_column('free_above_minor')

    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.drop_column('closing_text')
        batch_op.drop_column('greeting_text')
        batch_op.drop_column('closed_policy')
        batch_op.drop_column('opening_hours')
        batch_op.drop_column('time_zone')
        batch_op.drop_column('min_order_minor')

    with op.batch_alter_table('payment_method', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_method_shop_id'))

    op.drop_table('payment_method')
