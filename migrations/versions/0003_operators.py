"""operators and shop suspension

Revision ID: 0003_operators
Revises: 0002_shop_deletion
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_operators'
down_revision = '0002_shop_deletion'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs with server defaults for the rows already there: no table is
    # rebuilt (on SQLite a rebuild drops `shop`, and its cascades would empty others).
    op.add_column('user_account', sa.Column(
        'is_operator', sa.Boolean(), server_default=sa.false(), nullable=False
    ))
    op.add_column('shop', sa.Column('suspended_at', sa.DateTime(), nullable=True))
    op.add_column('shop', sa.Column(
        'suspension_reason', sa.Text(), server_default='', nullable=False
    ))
    op.add_column('shop', sa.Column(
        'suspended_by', sa.String(length=320), server_default='', nullable=False
    ))


def downgrade():
    op.drop_column('shop', 'suspended_by')
    op.drop_column('shop', 'suspension_reason')
    op.drop_column('shop', 'suspended_at')
    op.drop_column('user_account', 'is_operator')
