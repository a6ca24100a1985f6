"""domains: a shop's own domain, its verification and, once live, the shop's column

A new table (shop_domain), a nullable shop column (custom_domain) and a nullable
tombstone column (domain, for a deleted shop's domain): every existing shop starts
without a domain, so its pages and links stay as they were. The column is
shown on public pages (canonical URLs name it), so the catalog-version triggers are
made again with it among the shop's public columns.

Revision ID: 0024_domains
Revises: 0023_zones
Create Date: 2026-12-06 02:30:00

"""

from alembic import op
import sqlalchemy as sa

from shop.models.catalog_version import create_triggers, drop_triggers


revision = "0024_domains"
down_revision = "0023_zones"
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
    "shipping_zone": "shop_id",  # issue 25 (0023_zones)
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
    # issue 20 (0021_customers): the shop's privacy page
    "privacy_text",
    "forget_customers_after_months",
    # issue 25 (0023_zones): where delivery distances are measured from
    "latitude",
    "longitude",
]


def upgrade():
    op.create_table(
        "shop_domain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=253), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "waiting",
                "live",
                "failing",
                name="domain_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("failing_since", sa.DateTime(), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_shop_domain_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_domain")),
        sa.UniqueConstraint("name", name=op.f("uq_shop_domain_name")),
        sa.UniqueConstraint("shop_id", name=op.f("uq_shop_domain_shop_id")),
    )
    # A deleted shop's domain answers 410 like its link (shop.shops.deletion).
    op.add_column("shop_tombstone", sa.Column("domain", sa.String(length=253), nullable=True))
    op.create_index("ix_shop_tombstone_domain", "shop_tombstone", ["domain"])
    # Plain ALTER TABLE and a unique index (no batch copy of the shop table).
    drop_triggers(op.get_bind(), TABLES)
    op.add_column("shop", sa.Column("custom_domain", sa.String(length=253), nullable=True))
    op.create_index("ix_shop_custom_domain", "shop", ["custom_domain"], unique=True)
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS + ["custom_domain"])


def downgrade():
    drop_triggers(op.get_bind(), TABLES)
    op.drop_index("ix_shop_custom_domain", table_name="shop")
    op.drop_column("shop", "custom_domain")
    create_triggers(op.get_bind(), TABLES, SHOP_COLUMNS)
    op.drop_index("ix_shop_tombstone_domain", table_name="shop_tombstone")
    op.drop_column("shop_tombstone", "domain")
    op.drop_table("shop_domain")
