"""What the shop analytics keep: counters per day, never a row per event or per person.

A shop's counters are one row per (shop, day, item, kind): a flood of events moves
numbers, it does not add rows. Visitors are told apart by a salted hash kept only for
the day it was made in (``analytics_visitor``, pruned with the day's salt); no address,
user agent or cookie is stored anywhere.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db

NO_ITEM = 0  # the shop-wide row of a kind (a NULL would slip past the upsert's key)


class DailyCount(db.Model):
    """How many times `kind` happened in a shop on a day, for one item or shop-wide."""

    __tablename__ = "analytics_day"
    # What the analytics page reads over a year, each from a contiguous stretch of a
    # small index holding the count (no row visited): the day totals (one row per
    # kind and day), and product views by item. Partial, so the other rows (most of
    # the beacon's writes) maintain neither.
    __table_args__ = (
        Index(
            "ix_analytics_day_totals",
            "shop_id", "day", "kind", "count",
            sqlite_where=text(f"item_id = {NO_ITEM}"),
            postgresql_where=text(f"item_id = {NO_ITEM}"),
        ),
        Index(
            "ix_analytics_day_product_views",
            "shop_id", "day", "item_id", "count",
            sqlite_where=text("kind = 'product_view'"),
            postgresql_where=text("kind = 'product_view'"),
        ),
    )  # fmt: skip

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    # Not a foreign key: the figures outlive a deleted item, as its orders do.
    item_id: Mapped[int] = mapped_column(primary_key=True, default=NO_ITEM)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class DailySource(db.Model):
    """Where a shop's visitors came from on a day: a site group and the link's campaign."""

    __tablename__ = "analytics_source"

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    campaign: Mapped[str] = mapped_column(String(60), primary_key=True, default="")
    visitors: Mapped[int] = mapped_column(BigInteger, default=0)
    views: Mapped[int] = mapped_column(BigInteger, default=0)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)
    revenue_minor: Mapped[int] = mapped_column(BigInteger, default=0)


class DailyVisitor(db.Model):
    """A salted hash seen today in a shop (or an order already attributed): removed
    once the day is over, so no day can be linked to the next."""

    __tablename__ = "analytics_visitor"

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    digest: Mapped[str] = mapped_column(String(40), primary_key=True)


class DailySalt(db.Model):
    """Today's random salt, shared by every process; yesterday's is deleted."""

    __tablename__ = "analytics_salt"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
