"""Brazil: shops may speak Brazilian Portuguese, and get paid by Pix

A payment method may be of the kind 'pix' (its details: the key and the city, one a
line); every existing method keeps its kind. Orders keep the kind as plain text already.

The shop's language CHECK listed 'en' and 'es'; it becomes a check of the code's shape
(2 to 5 characters), so the next language is a .po file and one line of
shop/lib/locales.py, never a migration. Every existing shop keeps its language.

Constraints are replaced in batch mode, which on SQLite copies the shop table, so the
catalog-version triggers (0009, 0013) are dropped first and made again after.

Revision ID: 0016_pix
Revises: 0015_order_paid
Create Date: 2026-12-05 18:40:00

"""
from alembic import op
import sqlalchemy as sa

from shop.models.catalog_version import create_triggers, drop_triggers


revision = '0016_pix'
down_revision = '0015_order_paid'
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


def _replace_language_check(condition):
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_shop_language'), type_='check')
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_shop_language'), condition)


OLD_KINDS = ('cash', 'bank_transfer', 'link', 'other')
NEW_KINDS = OLD_KINDS + ('pix',)


def _replace_kind_check(kinds):
    with op.batch_alter_table('payment_method', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payment_method_payment_kind'), type_='check')
    with op.batch_alter_table('payment_method', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_payment_method_payment_kind'), sa.column('kind').in_(kinds)
        )


def upgrade():
    drop_triggers(op.get_bind(), TABLES)
    _replace_language_check(sa.text('length(language) BETWEEN 2 AND 5'))
    _replace_kind_check(NEW_KINDS)
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS)


def downgrade():
    # Round two spoke English and Spanish only: a Brazilian shop falls back to Spanish,
    # the closer of the two for its shoppers.
    op.execute(sa.text("UPDATE shop SET language = 'es' WHERE language NOT IN ('en', 'es')"))
    # A Pix method becomes 'other': its key and city stay in the details shoppers see.
    op.execute(sa.text("UPDATE payment_method SET kind = 'other' WHERE kind = 'pix'"))
    drop_triggers(op.get_bind(), TABLES)
    _replace_kind_check(OLD_KINDS)
    _replace_language_check(sa.column('language').in_(('en', 'es')))
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS)
