"""activity: an order's history becomes the shop's activity log (who changed what)

The table order_status_change is generalised into activity: every row gets the shop
(read from its order), a kind among more (status and edit as before; payment, item,
price, stock, settings, shipping, payment_method, discount, import and team), a short
subject, and the order becomes optional. Existing rows move over with their ids, times,
people, notes and details unchanged, each naming its order's number as its subject.
Downgrading keeps an order's status moves and edits and drops the rest (rows the old
table has no place for). The order counts' history trigger (0026_order_counts) moves with
the table, both ways.

Revision ID: 0029_activity
Revises: 0028_option_variants
Create Date: 2026-12-06 20:00:00

"""
from alembic import op
import sqlalchemy as sa

from shop.models.order_counts import create_history_trigger, drop_history_trigger


revision = "0029_activity"
down_revision = "0028_option_variants"
branch_labels = None
depends_on = None

STATUSES = ("new", "confirmed", "preparing", "ready", "delivered", "cancelled")
KINDS = (
    "status", "edit", "payment", "item", "price", "stock", "settings", "shipping",
    "payment_method", "discount", "import", "team",
)


def upgrade():
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="activity_kind", native_enum=False, create_constraint=True, length=20),
            nullable=False,
            server_default="status",
        ),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="activity_status", native_enum=False, create_constraint=True, length=20),
            nullable=True,
        ),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_activity_shop_id_shop"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_id"], ["shop_order.id"], name=op.f("fk_activity_order_id_shop_order"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user_account.id"],
            name=op.f("fk_activity_changed_by_id_user_account"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_changed_at"), ["changed_at"], unique=False)
        batch_op.create_index("ix_activity_shop_id_id", ["shop_id", "id"], unique=False)
    # Every row of the old history, with its id, shop and order number; 'Order #' is the
    # subject the code writes for an order's rows too.
    op.execute(
        "INSERT INTO activity"
        " (id, shop_id, order_id, kind, status, changed_at, changed_by_id, subject, note, details)"
        " SELECT c.id, o.shop_id, c.order_id, c.kind, c.status, c.changed_at, c.changed_by_id,"
        " '#' || CAST(o.number AS VARCHAR(20)), c.note, c.details"
        " FROM order_status_change c JOIN shop_order o ON o.id = c.order_id"
    )
    _ids_go_on("activity")
    with op.batch_alter_table("order_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_status_change_order_id"))
    op.drop_table("order_status_change")  # its order_count trigger goes with it
    create_history_trigger(op.get_bind(), "activity")


def downgrade():
    op.create_table(
        "order_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="order_status_change", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "kind",
            sa.Enum("status", "edit", name="order_change_kind", native_enum=False, create_constraint=True, length=20),
            nullable=False,
            server_default="status",
        ),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user_account.id"],
            name=op.f("fk_order_status_change_changed_by_id_user_account"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_order.id"],
            name=op.f("fk_order_status_change_order_id_shop_order"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_status_change")),
    )
    with op.batch_alter_table("order_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_status_change_order_id"), ["order_id"], unique=False)
    op.execute(
        "INSERT INTO order_status_change"
        " (id, order_id, status, changed_at, changed_by_id, note, kind, details)"
        " SELECT id, order_id, status, changed_at, changed_by_id, note, kind, details"
        " FROM activity WHERE order_id IS NOT NULL AND kind IN ('status', 'edit')"
        " AND status IS NOT NULL"
    )
    _ids_go_on("order_status_change")
    drop_history_trigger(op.get_bind(), "activity")  # SQLite's trigger names are global
    create_history_trigger(op.get_bind(), "order_status_change")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_shop_id_id")
        batch_op.drop_index(batch_op.f("ix_activity_changed_at"))
        batch_op.drop_index(batch_op.f("ix_activity_order_id"))
    op.drop_table("activity")


def _ids_go_on(table):
    """Rows were copied with their ids: PostgreSQL's sequence starts after the last one
    (SQLite's rowid does so by itself)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
