"""product options and stock

Revision ID: 0004_options_stock
Revises: 0003_operators
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_options_stock'
down_revision = '0003_operators'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('option_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('size', 'color', 'other', name='option_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('min_choices', sa.Integer(), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_choices >= 1 AND max_choices >= min_choices', name=op.f('ck_option_group_max_choices')),
    sa.CheckConstraint('min_choices >= 0', name=op.f('ck_option_group_min_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_option_group_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_option_group'))
    )
    with op.batch_alter_table('option_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_option_group_item_id'), ['item_id'], unique=False)

    op.create_table('option_choice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('price_delta_minor', sa.BigInteger(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['option_group.id'], name=op.f('fk_option_choice_group_id_option_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_option_choice'))
    )
    with op.batch_alter_table('option_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_option_choice_group_id'), ['group_id'], unique=False)

    op.create_table('variant_stock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_variant_stock_stock_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_variant_stock_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variant_stock')),
    sa.UniqueConstraint('item_id', 'key', name=op.f('uq_variant_stock_item_id_key'))
    )
    with op.batch_alter_table('variant_stock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_variant_stock_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stock', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_item_stock_not_negative'), 'stock IS NULL OR stock >= 0')

    # Orders placed before options existed had none: an empty text and list.
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('options_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('options', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('stock_taken', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_column('stock_taken')
        batch_op.drop_column('options')
        batch_op.drop_column('options_text')

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_item_stock_not_negative'), type_='check')
        batch_op.drop_column('stock')

    with op.batch_alter_table('variant_stock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_variant_stock_item_id'))

    op.drop_table('variant_stock')
    with op.batch_alter_table('option_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_option_choice_group_id'))

    op.drop_table('option_choice')
    with op.batch_alter_table('option_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_option_group_item_id'))

    op.drop_table('option_group')
