"""Discounts a merchant runs: coupons shoppers type, and automatic ones without a code.

One table for both (a coupon has a code, an automatic discount has none), since they
share every rule: kind and value, minimum order, dates, limits and what they apply to.
Uses are counted on the row itself with a conditional update (shop.ordering.coupons);
each order names the discount it took (Order.discount_id), which is what the
per-customer limit counts, and a cancelled order gives its use back.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db
from shop.models.base import text_enum, utcnow

if TYPE_CHECKING:  # relationships name each other across modules
    from shop.models.shops import Shop


class DiscountKind(enum.StrEnum):
    PERCENT = "percent"  # value: hundredths of a percent (1250 = 12,5 %)
    FIXED = "fixed"  # value: minor units of the shop's currency
    FREE_SHIPPING = "free_shipping"  # value: unused (0)


class Discount(db.Model):
    __table_args__ = (
        UniqueConstraint("shop_id", "code"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("uses >= 0", name="uses_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    # Folded to lowercase a-z, digits and hyphens (shop.lib.plain_codes); shown uppercase.
    # None = an automatic discount, applied without a code.
    code: Mapped[str | None] = mapped_column(String(32))
    # What the shopper reads in the cart and the message for an automatic discount.
    name: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[DiscountKind] = mapped_column(text_enum(DiscountKind, "discount_kind"))
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    min_order_minor: Mapped[int | None] = mapped_column(BigInteger)
    # Inclusive days in the shop's time zone (shop.lib.clock); None = no limit.
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    max_uses: Mapped[int | None] = mapped_column()
    max_uses_per_customer: Mapped[int | None] = mapped_column()
    uses: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # What it applies to; both empty = the whole cart.
    category_ids: Mapped[list] = mapped_column(JSON, default=list)
    item_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shop: Mapped[Shop] = relationship()

    @property
    def shown_code(self) -> str:
        return (self.code or "").upper()

    @property
    def percent_text(self) -> str:
        """A percentage's value as typed: 1250 -> "12.5", 1000 -> "10" (no floats)."""
        return str(Decimal(self.value) / 100)
