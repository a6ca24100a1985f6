"""A shop's activity: who changed what, and when, one row per change.

An order's history is part of it (the rows with an order: status moves, edits, paid
marks), so the order page and the shop's activity page read the same rows, written by
one function (shop.activity.record). Rows without an order are pruned after
ACTIVITY_KEEP_DAYS; an order's rows live as long as the order (its page shows them).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from shop.extensions import db
from shop.models.base import text_enum, utcnow
from shop.models.ordering import OrderStatus

if TYPE_CHECKING:  # relationships name each other across modules
    from shop.models.accounts import User
    from shop.models.ordering import Order


class ActivityKind(enum.StrEnum):
    """What a row records; the first three belong to an order (its history)."""

    STATUS = "status"  # an order moved to a status (`status`; `note`: why)
    EDIT = "edit"  # an order's lines or shipping changed (`status`: the one it had then)
    PAYMENT = "payment"  # an order marked paid or unpaid
    ITEM = "item"  # items, categories, photos, options: anything but a price or a count
    PRICE = "price"  # an item's price or compare-at price
    STOCK = "stock"  # units left of an item or a size/colour combination
    SETTINGS = "settings"  # the shop's settings, ordering rules, texts, domain, pixels
    SHIPPING = "shipping"  # shipping methods and their zones and times
    PAYMENT_METHOD = "payment_method"  # the ways the shop gets paid
    DISCOUNT = "discount"  # discount codes and automatic discounts
    IMPORT = "import"  # a catalog brought in, or its import undone
    TEAM = "team"  # invitations, members, roles, handing over


ORDER_KINDS = frozenset({ActivityKind.STATUS, ActivityKind.EDIT, ActivityKind.PAYMENT})


class Activity(db.Model):
    """One change: in which shop, by whom (None: the shopper, the system, or an account
    deleted since), when, what (`subject`, a short label kept as it was then) and how
    (`details`: before and after, or what was done)."""

    __table_args__ = (
        # The activity page, newest first, and the orders list's "anything moved?".
        Index("ix_activity_shop_id_id", "shop_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    # The order it belongs to (its history); None for everything else.
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("shop_order.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActivityKind] = mapped_column(
        text_enum(ActivityKind, "activity_kind"),
        default=ActivityKind.STATUS,
        server_default=ActivityKind.STATUS.value,
    )
    # The order's status after a move (the one it had, for an edit or a paid mark).
    status: Mapped[OrderStatus | None] = mapped_column(text_enum(OrderStatus, "activity_status"))
    # Pruning reads this (oldest first).
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # What changed, as it was named then: "Blue T-shirt", "Order #1042", "Home delivery".
    subject: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Why, when the merchant says so (the reason given for a cancellation).
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Before and after ({"before": {...}, "after": {...}}) or what was done.
    details: Mapped[dict | None] = mapped_column(JSON)

    order: Mapped[Order | None] = relationship(back_populates="status_changes")
    changed_by: Mapped[User | None] = relationship()

    @validates("order")
    def _in_the_orders_shop(self, _key: str, order: Order | None) -> Order | None:
        """An order's row is in the order's shop (appending to order.status_changes
        needs no shop_id of its own)."""
        if order is not None and self.shop_id is None:
            self.shop_id = order.shop_id if order.shop_id is not None else order.shop.id
        return order

    @property
    def is_edit(self) -> bool:
        return self.kind == ActivityKind.EDIT

    @property
    def is_move(self) -> bool:
        """A move to a status (what an order's timeline shows as a step)."""
        return self.kind == ActivityKind.STATUS
