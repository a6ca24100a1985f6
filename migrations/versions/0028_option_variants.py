"""option variants: any option group may be a variant dimension; a quiet switch for
bulk catalog writes

`option_group.is_variant` marks a group whose choices make the item's variants (stock
per combination, a feed row each). Until now only size and colour groups did, by their
kind: existing size and colour groups are marked here, so their combinations and the
stock counted for them carry on unchanged (the stock rows name choice ids, which stay).

`catalog_quiet` holds a row per shop being written in bulk (an import, its undo), made
and removed inside that one transaction: while it exists the catalog-version triggers
note the change once instead of bumping the shop row per row written. The triggers are
made again to heed it. Downgrading removes both; the column's information is the kind
again (size and colour make variants), so a group marked on top of that loses it.

Revision ID: 0028_option_variants
Revises: 0027_item_card_order
Create Date: 2026-12-06 20:00:00

"""

from alembic import op
import sqlalchemy as sa

from shop.models.catalog_version import create_triggers, drop_triggers


revision = "0028_option_variants"
down_revision = "0027_item_card_order"
branch_labels = None
depends_on = None

TABLES = {
    "category": "shop_id",
    "item": "shop_id",
    "shipping_method": "shop_id",
    "payment_method": "shop_id",
    "item_photo": "item_id",
    "option_group": "item_id",
    "variant_stock": "item_id",
    "option_choice": "group_id",
    "shipping_zone": "shop_id",
}
SHOP_COLUMNS = [
    "slug",
    "name",
    "description",
    "logo_id",
    "whatsapp",
    "currency",
    "currency_exponent",
    "language",
    "paused",
    "pause_message",
    "min_order_minor",
    "time_zone",
    "opening_hours",
    "closed_policy",
    "greeting_text",
    "closing_text",
    "suspended_at",
    "ask_phone",
    "meta_pixel_id",
    "ga4_measurement_id",
    "privacy_text",
    "forget_customers_after_months",
    "latitude",
    "longitude",
    "custom_domain",
]


def upgrade():
    bind = op.get_bind()
    # The triggers go first: marking the existing groups is no change a shopper sees.
    drop_triggers(bind, TABLES)
    op.add_column(
        "option_group",
        sa.Column("is_variant", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute("UPDATE option_group SET is_variant = true WHERE kind IN ('size', 'color')")
    op.create_table(
        "catalog_quiet",
        sa.Column("shop_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("moved", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_catalog_quiet_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_catalog_quiet")),
    )
    create_triggers(bind, TABLES, SHOP_COLUMNS, quiet=True)


def downgrade():
    bind = op.get_bind()
    drop_triggers(bind, TABLES)
    op.drop_table("catalog_quiet")
    op.drop_column("option_group", "is_variant")
    create_triggers(bind, TABLES, SHOP_COLUMNS)
