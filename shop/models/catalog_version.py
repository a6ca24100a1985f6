"""The catalog version moves by itself: database triggers bump it on every write a
shopper could see, whatever wrote it.

Every public page's ETag and page-cache key holds its shop's catalog_version, so the
version must move with every change shown on the shop's pages, through every write
path: the ORM, Core update() statements (stock taken at checkout, bulk edits), a
background import, a hand-written SQL fix. Calling a function after each write (37
calls in 13 files before) let any new feature forget one, and its read-modify-write
could lose an increment to a concurrent writer. Triggers (migration 0009, built by
migrations/catalog_version.py) do it in SQL, ``catalog_version = catalog_version + 1``
under the shop row's lock, so two writers at once move it twice.

This module says which tables and shop columns count (a test checks that every table
and every shop column is classified, and that the database's triggers match), writes
the triggers for SQLite and PostgreSQL, and keeps loaded Shop objects honest: after a
flush their catalog_version is read again.

Migrations call create_triggers() with the tables and shop columns of their own
revision, so an old migration always builds what it built then; one that adds a public
table or shop column drops and creates the triggers again with its own lists. A row
names its shop by its own shop_id, through its item (item_id), or through its option
group's item (group_id). On SQLite a trigger per table and event runs one UPDATE of
the shop; on PostgreSQL one row trigger per table calls a function per way of naming
the shop, and the shop's own trigger runs BEFORE UPDATE and bumps the row being written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import ForeignKey, delete, event, false, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from shop.extensions import db
from shop.models.shops import Shop


class CatalogQuiet(db.Model):
    """A shop whose catalog is being written in bulk (an import, its undo): while its
    row exists, the triggers note that something moved (`moved`, set once) instead of
    bumping the shop's version per row; moves_once then moves the version once.

    The row is made and removed inside the writer's own transaction, so it is never
    committed: other transactions never see it and keep bumping as ever.
    """

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    moved: Mapped[bool] = mapped_column(default=False, server_default=false())


# Tables whose rows show on a shop's public pages, and how a row names its shop: by
# its own shop_id, through its item, or through its option group's item. Inserting,
# changing or deleting any of their rows moves the shop's version.
PUBLIC_TABLES = {
    "category": "shop_id",
    "item": "shop_id",
    "shipping_method": "shop_id",
    "payment_method": "shop_id",
    "shipping_zone": "shop_id",
    "item_photo": "item_id",
    "option_group": "item_id",
    "variant_stock": "item_id",
    "option_choice": "group_id",
}
# Shop columns no public page shows: changing only these leaves the version alone (the
# order counter moves with every checkout; the reason for a suspension is private).
SHOP_PRIVATE_COLUMNS = frozenset(
    {
        "id",
        "owner_id",
        "catalog_version",
        "next_order_number",
        "created_at",
        "updated_at",
        "suspension_reason",
        "suspended_by",
        "link_shared_at",  # the dashboard's set-up checklist
        "stale_after_minutes",  # the orders page's highlight of orders still new
        "email_new_orders",  # an e-mail to the owner per new order
        "update_texts",  # the merchant's messages to a shopper about an order
        "has_automatic_discount",  # read at checkout and by the uncached cart preview
    }
)
# Tables no public page reads (images show only once an item photo or the shop's logo
# names them; an old slug redirects, it shows nothing of its own).
PRIVATE_TABLES = frozenset(
    {
        "user_account",
        "auth_session",
        "form_submission",
        "image",
        "shop_slug_redirect",
        "shop_tombstone",
        "shop_order",
        "order_line",
        "activity",  # who changed what: the merchant's only (an order's history)
        # Discounts are read at checkout and by the cart's uncached preview only.
        "discount",
        # Customers: the merchant's record of who ordered (issue 20).
        "customer",
        # Orders counted by status and paid, kept by their own triggers (order_counts).
        "order_count",
        # Places taken in pickup/delivery slots: every order moves them (issue 25).
        "slot_booking",
        # Background jobs: the dashboard's, never on a public page.
        "job",
        "job_step",
        "job_worker",
        # Photos picked in a form and not yet part of an item: the merchant's only.
        "pending_upload",
        # Shop analytics: counters and the day's visitor hashes, for the merchant only.
        "analytics_day",
        "analytics_source",
        "analytics_visitor",
        "analytics_salt",
        # The merchant's devices told of new orders (Web Push).
        "push_subscription",
        # The shop's team and its invitations: the merchant's only (issue 26).
        "membership",
        "invitation",
        # A custom domain's checks: public pages read Shop.custom_domain instead.
        "shop_domain",
        # A bulk write's switch for the triggers, never committed (CatalogQuiet).
        "catalog_quiet",
    }
)


def shop_public_columns() -> list[str]:
    """The shop's columns a public page shows, in table order."""
    return [c.name for c in Shop.__table__.columns if c.name not in SHOP_PRIVATE_COLUMNS]


@event.listens_for(Session, "after_flush_postexec")
def _read_versions_again(session: Session, flush_context) -> None:
    """The database moved the version under the ORM's feet: a loaded shop reads it
    again when asked (one small SELECT, only if anyone asks)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Shop):
            session.expire(obj, ["catalog_version"])


@contextmanager
def moves_once(session: Session, shop_id: int) -> Iterator[None]:
    """The writes inside move the shop's version once, not once per row (an import of
    thousands of rows is one change to a shopper's eyes).

    The shop row is read first under a lock (FOR UPDATE on PostgreSQL; on SQLite a
    transaction that has read cannot write once another has), so no other writer's
    move can fall in between. A CatalogQuiet row for the shop makes the triggers note
    the first change and skip the rest (a key probe per row instead of an UPDATE of
    the shop row, which on PostgreSQL leaves a dead row version per write); at the end
    the row goes and the version is set to what it was plus one, if anything moved it.
    """
    current = select(Shop.catalog_version).where(Shop.id == shop_id)
    before = session.execute(current.with_for_update()).scalar_one()
    quiet = delete(CatalogQuiet).where(CatalogQuiet.shop_id == shop_id)
    session.execute(quiet)  # none is ever committed; a stray one would silence the shop
    session.execute(insert(CatalogQuiet).values(shop_id=shop_id, moved=False))
    try:
        yield
        session.flush()
    except BaseException:
        _remove_quietly(session, quiet)  # the caller rolls back; if it commits, still safe
        raise
    moved = session.execute(
        select(CatalogQuiet.moved).where(CatalogQuiet.shop_id == shop_id)
    ).scalar_one()
    session.execute(quiet)
    if moved or session.execute(current).scalar_one() != before:
        # catalog_version is a private column: setting it fires no trigger.
        session.execute(update(Shop).where(Shop.id == shop_id).values(catalog_version=before + 1))


def _remove_quietly(session: Session, quiet) -> None:
    with suppress(Exception):  # a broken transaction: its rollback removes the row
        session.execute(quiet)


EVENTS = ("INSERT", "UPDATE", "DELETE")
BUMP = "UPDATE shop SET catalog_version = catalog_version + 1 WHERE id = {shop}"
# With a CatalogQuiet row for the shop: note the change once, leave the shop row alone.
QUIET_SQLITE = (
    "UPDATE catalog_quiet SET moved = 1 WHERE shop_id = {shop} AND moved = 0; "
    "{bump} AND NOT EXISTS (SELECT 1 FROM catalog_quiet WHERE shop_id = {shop});"
)
QUIET_POSTGRESQL = (
    "  SELECT moved INTO quiet FROM catalog_quiet WHERE shop_id = target;\n"
    "  IF quiet IS NULL THEN {bump};\n"
    "  ELSIF NOT quiet THEN UPDATE catalog_quiet SET moved = true WHERE shop_id = target;\n"
    "  END IF;\n"
)
_SQLITE_SHOP = {
    "shop_id": "{row}.shop_id",
    "item_id": "(SELECT shop_id FROM item WHERE id = {row}.item_id)",
    "group_id": (
        "(SELECT item.shop_id FROM option_group JOIN item ON item.id = option_group.item_id"
        " WHERE option_group.id = {row}.group_id)"
    ),
}
_POSTGRESQL_FUNCTIONS = {
    "shop_id": "target := written.shop_id;",
    "item_id": "SELECT shop_id INTO target FROM item WHERE id = written.item_id;",
    "group_id": (
        "SELECT item.shop_id INTO target FROM option_group"
        " JOIN item ON item.id = option_group.item_id WHERE option_group.id = written.group_id;"
    ),
}


def create_triggers(
    bind, tables: dict[str, str], shop_columns: list[str], *, quiet: bool = False
) -> None:
    """Create the triggers (and PostgreSQL's functions) on this connection; with
    `quiet` (migration 0026 on), they heed a CatalogQuiet row of the shop."""
    for statement in _statements(bind.dialect.name, tables, shop_columns, quiet):
        bind.exec_driver_sql(statement)


def drop_triggers(bind, tables: dict[str, str]) -> None:
    if bind.dialect.name == "sqlite":
        for table in tables:
            for change in EVENTS:
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_name(table, change)}")
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS catalog_version_shop")
        return
    for table in tables:
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS catalog_version_{table} ON {table}")
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS catalog_version_shop ON shop")
    for how in _POSTGRESQL_FUNCTIONS:
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS catalog_version_by_{how}()")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS catalog_version_of_shop()")


def _name(table: str, event: str) -> str:
    return f"catalog_version_{table}_{event.lower()}"


def _statements(
    dialect: str, tables: dict[str, str], shop_columns: list[str], quiet: bool = False
) -> list[str]:
    if dialect == "sqlite":
        return _sqlite(tables, shop_columns, quiet)
    if dialect == "postgresql":
        return _postgresql(tables, shop_columns, quiet)
    raise NotImplementedError(f"no catalog-version triggers for {dialect}")


def _sqlite(tables: dict[str, str], shop_columns: list[str], quiet: bool = False) -> list[str]:
    statements = []
    for table, how in tables.items():
        for change in EVENTS:
            row = "OLD" if change == "DELETE" else "NEW"
            shop = _SQLITE_SHOP[how].format(row=row)
            body = f"{BUMP.format(shop=shop)};"
            if quiet:
                body = QUIET_SQLITE.format(shop=shop, bump=BUMP.format(shop=shop))
            statements.append(
                f"CREATE TRIGGER {_name(table, change)} AFTER {change} ON {table} FOR EACH ROW "
                f"BEGIN {body} END"
            )
    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in shop_columns)
    # The inner UPDATE sets catalog_version only, which is not in the column list:
    # it does not fire this trigger again.
    statements.append(
        f"CREATE TRIGGER catalog_version_shop AFTER UPDATE OF {', '.join(shop_columns)} "
        f"ON shop FOR EACH ROW WHEN {changed} BEGIN {BUMP.format(shop='NEW.id')}; END"
    )
    return statements


def _postgresql(tables: dict[str, str], shop_columns: list[str], quiet: bool = False) -> list[str]:
    statements = []
    bump = f"  {BUMP.format(shop='target')};\n"
    if quiet:
        bump = QUIET_POSTGRESQL.format(bump=BUMP.format(shop="target"))
    for how, find in _POSTGRESQL_FUNCTIONS.items():
        statements.append(
            f"CREATE OR REPLACE FUNCTION catalog_version_by_{how}() RETURNS trigger "
            "LANGUAGE plpgsql AS $$\n"
            "DECLARE written record; target integer; quiet boolean;\n"
            "BEGIN\n"
            "  IF TG_OP = 'DELETE' THEN written := OLD; ELSE written := NEW; END IF;\n"
            f"  {find}\n"
            f"{bump}"
            "  RETURN NULL;\n"
            "END $$"
        )
    for table, how in tables.items():
        statements.append(
            f"CREATE TRIGGER catalog_version_{table} AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION catalog_version_by_{how}()"
        )
    statements.append(
        "CREATE OR REPLACE FUNCTION catalog_version_of_shop() RETURNS trigger "
        "LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  NEW.catalog_version := NEW.catalog_version + 1;\n"
        "  RETURN NEW;\n"
        "END $$"
    )
    # Compared as text: json columns have no equality operator.
    old = ", ".join(f"OLD.{column}::text" for column in shop_columns)
    new = ", ".join(f"NEW.{column}::text" for column in shop_columns)
    statements.append(
        f"CREATE TRIGGER catalog_version_shop BEFORE UPDATE OF {', '.join(shop_columns)} "
        f"ON shop FOR EACH ROW WHEN (ROW({old}) IS DISTINCT FROM ROW({new})) "
        "EXECUTE FUNCTION catalog_version_of_shop()"
    )
    return statements
