"""catalog version: database triggers move it on every write a shopper could see

Until now every rule function called touch_catalog() by hand (37 calls), which a new
feature could forget, and which read the version, added one and wrote it back, so two
writers at once could lose an increment. Triggers do it in SQL on every write path.
Existing versions are kept as they are: every cached page stays valid.

Revision ID: 0009_catalog_version
Revises: 0008_currency_exponent
Create Date: 2026-12-04 20:00:00

"""
from alembic import op

from shop.models.catalog_version import create_triggers, drop_triggers


revision = '0009_catalog_version'
down_revision = '0008_currency_exponent'
branch_labels = None
depends_on = None

# What showed on public pages at this revision (shop/models/catalog_version.py).
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
    'closed_policy', 'greeting_text', 'closing_text', 'suspended_at',
]


def upgrade():
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS)


def downgrade():
    drop_triggers(op.get_bind(), TABLES)
