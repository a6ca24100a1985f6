"""A shop's customers: everyone who ordered, known by WhatsApp number or else by name.

A customer row holds only what the merchant keeps about a person (a note, tags) and
the key that matches orders to them; the orders are the truth for how many, how much
and when (shop.ordering.customers computes those when read, so they cannot drift).
Every order names its customer through `shop_order.customer_id`, set by the database
as the order is inserted (customer_triggers), so checkout pays no extra round trip.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db
from shop.models.base import utcnow

KEY_LENGTH = 130
NAME_PREFIX = "n:"


def customer_key(name: str, phone: str) -> str:
    """How orders are matched to a customer: the E.164 number, else the name folded
    (``"  ANA  García "`` and ``"ana garcía"`` are one person); "" when neither is known."""
    if phone:
        return phone
    folded = " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())
    return f"{NAME_PREFIX}{folded}"[:KEY_LENGTH] if folded else ""


def key_of_order_row(context) -> str:
    """The column default of shop_order.customer_key, from the row being inserted."""
    values = context.get_current_parameters()
    return customer_key(values.get("customer_name") or "", values.get("customer_phone") or "")


class Customer(db.Model):
    """Someone who ordered from the shop; merged ones point at the customer they became."""

    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    # The E.164 number, or "n:" and the folded name (customer_key).
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    # As the first order gave them; shown on the dashboard.
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(16), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Comma-separated, as the merchant typed them ("vip, mayorista").
    tags: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Merged by hand into another customer: its orders (and the next ones matched by
    # this key) belong to that one. None for a customer shown in the list.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in (part.strip() for part in self.tags.split(",")) if tag]


# The trigger that gives each new order its customer, made (and dropped) by migrations.
_SQLITE = [
    """CREATE TRIGGER customer_of_new_order AFTER INSERT ON shop_order
    WHEN NEW.customer_key != '' AND NEW.customer_id IS NULL
    BEGIN
      INSERT OR IGNORE INTO customer (shop_id, key, name, phone, note, tags, created_at)
      VALUES (NEW.shop_id, NEW.customer_key, NEW.customer_name, NEW.customer_phone, '', '',
              NEW.created_at);
      UPDATE shop_order SET customer_id = (
        SELECT coalesce(merged_into_id, id) FROM customer
        WHERE shop_id = NEW.shop_id AND key = NEW.customer_key)
      WHERE id = NEW.id;
    END"""
]
_POSTGRESQL = [
    """CREATE FUNCTION customer_of_new_order() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.customer_key <> '' AND NEW.customer_id IS NULL THEN
        INSERT INTO customer (shop_id, key, name, phone, note, tags, created_at)
        VALUES (NEW.shop_id, NEW.customer_key, NEW.customer_name, NEW.customer_phone, '', '',
                NEW.created_at)
        ON CONFLICT (shop_id, key) DO NOTHING;
        SELECT coalesce(merged_into_id, id) INTO NEW.customer_id FROM customer
        WHERE shop_id = NEW.shop_id AND key = NEW.customer_key;
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER customer_of_new_order BEFORE INSERT ON shop_order
    FOR EACH ROW EXECUTE FUNCTION customer_of_new_order()""",
]


def create_customer_trigger(bind) -> None:
    for statement in _SQLITE if bind.dialect.name == "sqlite" else _POSTGRESQL:
        bind.exec_driver_sql(statement)


def drop_customer_trigger(bind) -> None:
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS customer_of_new_order")
        return
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS customer_of_new_order ON shop_order")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS customer_of_new_order()")
