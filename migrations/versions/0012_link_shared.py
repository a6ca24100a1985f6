"""link shared: when the merchant first shared the shop's link (the set-up checklist)

One nullable column: existing shops start with "not shared yet", so the checklist's
last step shows until their merchant opens the share page once.

Revision ID: 0012_link_shared
Revises: 0011_pending_uploads
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_link_shared'
down_revision = '0011_pending_uploads'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, no batch: rebuilding `shop` on SQLite would trip the catalog
# version triggers of 0009 that name it (as 0003 did for its columns).
def upgrade():
    op.add_column('shop', sa.Column('link_shared_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('shop', 'link_shared_at')
