"""How many orders a shop has in each (status, paid) pair, kept by the database.

The orders list shows counts by status, paid and unpaid on every page, and its news
check needs the newest order and "anything moved". Counting them from the orders costs
a scan of the shop's orders, which grows with the shop (about 10 ms at 10,000 orders).
Here each shop has at most 12 rows (six statuses, paid or not), moved by triggers on
`shop_order` and an order's history (`activity`) on SQLite and PostgreSQL alike: whatever writes
an order (checkout, an order entered by hand, a status move, a paid mark, an import, a
test's ORM flush, raw SQL) moves them too, so they cannot drift from the orders. The
migration that made the table (0026_order_counts) counted the orders already there; the
history was `order_status_change` then, and 0029_activity moved its trigger to `activity`.

On PostgreSQL a move locks the two rows it touches in key order, so two moves in
opposite directions queue instead of deadlocking; checkout touches one row, after the
shop row it already locks for its number.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db


class OrderCount(db.Model):
    """One shop's orders in one status, paid or not, and two marks for the news check."""

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), primary_key=True)  # OrderStatus's value
    paid: Mapped[bool] = mapped_column(primary_key=True)
    orders: Mapped[int] = mapped_column(default=0)
    # Grows with every move into this pair and every history row (status or edit) of an
    # order in it: the sum over a shop's rows changes whenever the list could.
    changes: Mapped[int] = mapped_column(default=0)
    # The highest order id that was ever in this pair: their maximum is the newest order.
    latest_order_id: Mapped[int] = mapped_column(default=0)


_KEY_OLD = "shop_id = OLD.shop_id AND status = OLD.status AND paid = (OLD.paid_at IS NOT NULL)"
_ADD_NEW = """INSERT INTO order_count (shop_id, status, paid, orders, changes, latest_order_id)
      VALUES (NEW.shop_id, NEW.status, NEW.paid_at IS NOT NULL, 1, {moved}, NEW.id)
      ON CONFLICT (shop_id, status, paid) DO UPDATE SET orders = order_count.orders + 1,
        changes = order_count.changes + {moved},
        latest_order_id = {greatest}(order_count.latest_order_id, excluded.latest_order_id)"""
_MOVED = "OLD.status {distinct} NEW.status OR (OLD.paid_at IS NULL) <> (NEW.paid_at IS NULL)"

_SQLITE = [
    f"""CREATE TRIGGER order_count_insert AFTER INSERT ON shop_order
    BEGIN
      {_ADD_NEW.format(moved=0, greatest="max")};
    END""",
    f"""CREATE TRIGGER order_count_move AFTER UPDATE OF status, paid_at ON shop_order
    WHEN {_MOVED.format(distinct="IS NOT")}
    BEGIN
      UPDATE order_count SET orders = orders - 1 WHERE {_KEY_OLD};
      {_ADD_NEW.format(moved=1, greatest="max")};
    END""",  # noqa: S608 (constants of this module, no input)
    f"""CREATE TRIGGER order_count_delete AFTER DELETE ON shop_order
    BEGIN
      UPDATE order_count SET orders = orders - 1 WHERE {_KEY_OLD};
    END""",  # noqa: S608 (constants of this module, no input)
]
# An order's history row (a status move, an edit, a paid mark) marks its pair as changed.
_SQLITE_HISTORY = """CREATE TRIGGER order_count_history AFTER INSERT ON {table}
    WHEN NEW.order_id IS NOT NULL
    BEGIN
      UPDATE order_count SET changes = changes + 1
      WHERE (shop_id, status, paid) = (
        SELECT shop_id, status, paid_at IS NOT NULL FROM shop_order WHERE id = NEW.order_id);
    END"""
_POSTGRESQL = [
    f"""CREATE FUNCTION order_count_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {_ADD_NEW.format(moved=0, greatest="greatest")};
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE order_count SET orders = orders - 1 WHERE {_KEY_OLD};
      ELSIF (OLD.status, OLD.paid_at IS NOT NULL) < (NEW.status, NEW.paid_at IS NOT NULL) THEN
        -- Both rows in key order, whichever way the order moves: no deadlock.
        UPDATE order_count SET orders = orders - 1 WHERE {_KEY_OLD};
        {_ADD_NEW.format(moved=1, greatest="greatest")};
      ELSE
        {_ADD_NEW.format(moved=1, greatest="greatest")};
        UPDATE order_count SET orders = orders - 1 WHERE {_KEY_OLD};
      END IF;
      RETURN NULL;
    END $$""",  # noqa: S608 (constants of this module, no input)
    """CREATE TRIGGER order_count_insert AFTER INSERT ON shop_order
    FOR EACH ROW EXECUTE FUNCTION order_count_follow()""",
    f"""CREATE TRIGGER order_count_move AFTER UPDATE OF status, paid_at ON shop_order
    FOR EACH ROW WHEN ({_MOVED.format(distinct="IS DISTINCT FROM")})
    EXECUTE FUNCTION order_count_follow()""",
    """CREATE TRIGGER order_count_delete AFTER DELETE ON shop_order
    FOR EACH ROW EXECUTE FUNCTION order_count_follow()""",
    """CREATE FUNCTION order_count_history() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE order_count AS c SET changes = c.changes + 1 FROM shop_order AS o
      WHERE o.id = NEW.order_id AND c.shop_id = o.shop_id AND c.status = o.status
        AND c.paid = (o.paid_at IS NOT NULL);
      RETURN NULL;
    END $$""",
]
_POSTGRESQL_HISTORY = """CREATE TRIGGER order_count_history AFTER INSERT ON {table}
    FOR EACH ROW WHEN (NEW.order_id IS NOT NULL) EXECUTE FUNCTION order_count_history()"""
_TRIGGERS = ("order_count_insert", "order_count_move", "order_count_delete")

# Every order already there, counted (the migration; tests compare against it too).
COUNT_ORDERS = """INSERT INTO order_count (shop_id, status, paid, orders, changes, latest_order_id)
SELECT shop_id, status, paid_at IS NOT NULL, count(*), 0, max(id) FROM shop_order
GROUP BY shop_id, status, paid_at IS NOT NULL"""


def create_order_count_triggers(bind, history: str = "activity") -> None:
    """The triggers, and the history's on the table `history` (order_status_change before
    0029_activity)."""
    for statement in _SQLITE if bind.dialect.name == "sqlite" else _POSTGRESQL:
        bind.exec_driver_sql(statement)
    create_history_trigger(bind, history)


def create_history_trigger(bind, history: str = "activity") -> None:
    template = _SQLITE_HISTORY if bind.dialect.name == "sqlite" else _POSTGRESQL_HISTORY
    bind.exec_driver_sql(template.format(table=history))


def drop_history_trigger(bind, history: str = "activity") -> None:
    on = "" if bind.dialect.name == "sqlite" else f" ON {history}"
    bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS order_count_history{on}")


def drop_order_count_triggers(bind, history: str = "activity") -> None:
    drop_history_trigger(bind, history)
    if bind.dialect.name == "sqlite":
        for name in _TRIGGERS:
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        return
    for name in _TRIGGERS:
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON shop_order")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS order_count_follow()")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS order_count_history()")
