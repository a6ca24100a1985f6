"""shop deletion: tombstones of deleted shops' slugs

Revision ID: 0002_shop_deletion
Revises: 0001
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_shop_deletion'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shop_tombstone',
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_shop_tombstone'))
    )


def downgrade():
    op.drop_table('shop_tombstone')
