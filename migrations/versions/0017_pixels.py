"""pixels: a shop's optional Meta Pixel and Google Analytics 4 ids (issue 23)

Two nullable columns: every existing shop starts with neither, so its pages, headers
and caching stay exactly as they were. Both are shown on public pages (a flag that
makes the browser ask for consent), so the catalog-version triggers are made again
with them among the shop's public columns: setting an id moves the pages' ETags.

Revision ID: 0017_pixels
Revises: 0016_pix
Create Date: 2026-12-05 23:30:00

"""
from alembic import op
import sqlalchemy as sa

from shop.models.catalog_version import create_triggers, drop_triggers


revision = '0017_pixels'
down_revision = '0016_pix'
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
]
PIXEL_COLUMNS = ['meta_pixel_id', 'ga4_measurement_id']


# Plain ALTER TABLE, no batch (no copy of the shop table); the triggers are dropped
# first, since SQLite refuses to drop a column a trigger names.
def upgrade():
    drop_triggers(op.get_bind(), TABLES)
    for name in PIXEL_COLUMNS:
        op.add_column('shop', sa.Column(name, sa.String(length=20), nullable=True))
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS + PIXEL_COLUMNS)


def downgrade():
    drop_triggers(op.get_bind(), TABLES)
    for name in PIXEL_COLUMNS:
        op.drop_column('shop', name)
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS)
