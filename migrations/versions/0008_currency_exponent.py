"""currency exponent: what a stored amount means is saved with the shop and each order

Until now the number of decimals of a currency came from Babel's CLDR data at run time,
and Babel 2.19 changed it (COP, HUF and IDR from 2 to 0, RSD from 0 to 2): every amount
of such a shop would have been read 100 times too high or too low. Amounts were written
with the digits of Babel 2.16 to 2.18 (identical for every currency), frozen below, so
every existing shop and order keeps exactly the prices it had.

Revision ID: 0008_currency_exponent
Revises: 0007_form_submissions
Create Date: 2026-12-04 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_currency_exponent'
down_revision = '0007_form_submissions'
branch_labels = None
depends_on = None

# get_currency_precision() of Babel 2.16, 2.17 and 2.18 for every currency in use whose
# answer was not 2: the exponent every amount so far was written in.
WRITTEN_WITH = {
    'AFN': 0, 'ALL': 0, 'BHD': 3, 'BIF': 0, 'CLP': 0, 'DJF': 0, 'GNF': 0, 'IQD': 0,
    'IRR': 0, 'ISK': 0, 'JOD': 3, 'JPY': 0, 'KMF': 0, 'KPW': 0, 'KRW': 0, 'KWD': 3,
    'LAK': 0, 'LBP': 0, 'LYD': 3, 'MGA': 0, 'MMK': 0, 'OMR': 3, 'PYG': 0, 'RSD': 0,
    'RWF': 0, 'SOS': 0, 'SYP': 0, 'TND': 3, 'UGX': 0, 'VND': 0, 'VUV': 0, 'XAF': 0,
    'XOF': 0, 'XPF': 0, 'YER': 0,
}
DEFAULT_DIGITS = 2


def _fill(table: str) -> None:
    conn = op.get_bind()
    column = sa.table(table, sa.column('currency', sa.String), sa.column('currency_exponent', sa.Integer))
    codes = conn.execute(sa.select(column.c.currency).distinct()).scalars().all()
    for code in codes:
        conn.execute(
            column.update()
            .where(column.c.currency == code)
            .values(currency_exponent=WRITTEN_WITH.get(code, DEFAULT_DIGITS))
        )


def upgrade():
    for table in ('shop', 'shop_order'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('currency_exponent', sa.Integer(), nullable=True))
        _fill(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('currency_exponent', existing_type=sa.Integer(), nullable=False)
            batch_op.create_check_constraint(
                op.f('ck_%s_currency_exponent' % table), 'currency_exponent BETWEEN 0 AND 4'
            )


def downgrade():
    for table in ('shop_order', 'shop'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f('ck_%s_currency_exponent' % table), type_='check')
            batch_op.drop_column('currency_exponent')
