"""update texts: the merchant's own line for each message telling the shopper an order
moved on

One nullable JSON column; every existing shop arrives with NULL, which is the default
texts in the order's language, exactly what its shoppers were sent before. The column is
private (no public page shows it), so the catalog-version triggers stay as they are: a
plain ADD COLUMN on SQLite leaves them alone.

Revision ID: 0017_update_texts
Revises: 0016_pix
Create Date: 2026-12-05 23:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_update_texts'
down_revision = '0016_pix'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('shop', sa.Column('update_texts', sa.JSON(), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), never batch mode: copying the shop table would
    # break the catalog-version triggers that name it.
    op.drop_column('shop', 'update_texts')
