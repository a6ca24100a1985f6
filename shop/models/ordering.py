"""How a shop ships and gets paid, and the orders shoppers send."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db
from shop.models.base import text_enum, utcnow
from shop.models.customers import KEY_LENGTH, Customer, key_of_order_row

if TYPE_CHECKING:  # relationships name each other across modules
    from shop.models.accounts import User
    from shop.models.activity import Activity
    from shop.models.shops import Shop


class PaymentKind(enum.StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    LINK = "link"
    OTHER = "other"
    PIX = "pix"  # Brazil's instant payments: details are the key and the city


class OrderStatus(enum.StrEnum):
    """Where an order is; READY and DELIVERED read "ready for pickup" / "on the way" and
    "picked up" / "delivered" by the order's shipping method (shop.ordering.statuses)."""

    NEW = "new"
    CONFIRMED = "confirmed"
    PREPARING = "preparing"
    READY = "ready"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class ShippingMethod(db.Model):
    __table_args__ = (CheckConstraint("price_minor >= 0", name="price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    price_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    needs_address: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    # Shipping costs nothing once the subtotal reaches this; None = never free.
    free_above_minor: Mapped[int | None] = mapped_column(BigInteger)
    # Pickup or delivery times (shop.ordering.slots): whether the shopper picks one, the
    # slot length, the least notice (minutes, or "order by HH:MM for tomorrow"), how many
    # days ahead and how many orders a slot takes (0 = any number).
    slots_on: Mapped[bool] = mapped_column(default=False, server_default="0")
    slot_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    lead_minutes: Mapped[int] = mapped_column(default=120, server_default="120")
    order_by: Mapped[str] = mapped_column(String(5), default="", server_default="")
    days_ahead: Mapped[int] = mapped_column(default=3, server_default="3")
    slot_capacity: Mapped[int] = mapped_column(default=0, server_default="0")

    shop: Mapped[Shop] = relationship(back_populates="shipping_methods")
    # Where the method goes and what each place costs (shop.ordering.zones); none = the
    # method's own fee everywhere.
    zones: Mapped[list[ShippingZone]] = relationship(
        back_populates="method",
        order_by="ShippingZone.position, ShippingZone.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ZoneKind(enum.StrEnum):
    """How a shopper is placed in a zone (shop.ordering.zones)."""

    EVERYWHERE = "everywhere"  # anywhere no other zone takes: the method's own fee
    LIST = "list"  # a neighbourhood or town the shopper picks
    POSTAL = "postal"  # postal codes, exact ("28001") or prefixes ("280*")
    DISTANCE = "distance"  # up to max_m metres from the shop's location, straight line


class ShippingZone(db.Model):
    """A place a shipping method delivers to, with its own fee, minimum and free-above."""

    __table_args__ = (
        CheckConstraint("fee_minor >= 0", name="zone_fee_not_negative"),
        CheckConstraint("max_m IS NULL OR max_m > 0", name="zone_distance_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    method_id: Mapped[int] = mapped_column(
        ForeignKey("shipping_method.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ZoneKind] = mapped_column(text_enum(ZoneKind, "zone_kind"))
    name: Mapped[str] = mapped_column(String(80), default="")
    # Postal zones: "28001, 28002, 280*" as the merchant wrote them (upper-cased).
    codes: Mapped[str] = mapped_column(Text, default="")
    max_m: Mapped[int | None] = mapped_column()  # distance zones: up to this many metres
    fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    min_order_minor: Mapped[int | None] = mapped_column(BigInteger)
    free_above_minor: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(default=0)

    method: Mapped[ShippingMethod] = relationship(back_populates="zones")


class SlotBooking(db.Model):
    """How many orders took a method's slot: a place is taken by a conditional UPDATE
    (shop.ordering.slots.take) and given back when the order is cancelled."""

    __table_args__ = (
        UniqueConstraint("method_id", "starts_at"),
        CheckConstraint("taken >= 0", name="slot_taken_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    method_id: Mapped[int] = mapped_column(ForeignKey("shipping_method.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]  # UTC
    taken: Mapped[int] = mapped_column(default=0)


class PaymentMethod(db.Model):
    """A way the shop gets paid; the shopper picks one and the order keeps a snapshot."""

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PaymentKind] = mapped_column(text_enum(PaymentKind, "payment_kind"))
    name: Mapped[str] = mapped_column(String(80))
    # Bank details, the payment link (http/https) or free text, per kind.
    details: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    shop: Mapped[Shop] = relationship(back_populates="payment_methods")


class Order(db.Model):
    """An order as the server priced it: the truth, whatever the WhatsApp text says later.

    Names, prices and shipping are snapshots, so editing or deleting an item never
    changes an order that was already placed.
    """

    __tablename__ = "shop_order"  # "order" is reserved in SQL
    __mapper_args__ = {"eager_defaults": False}
    __table_args__ = (
        UniqueConstraint("shop_id", "number"),
        UniqueConstraint("shop_id", "idempotency_key"),
        CheckConstraint("currency_exponent BETWEEN 0 AND 4", name="currency_exponent"),
        # The orders list at 10,000 orders: a status's page newest first, and the counts
        # by status and paid read from this index alone (id: SQLite's rowid is in it);
        # a customer's orders, and whether an order's customer ordered before it.
        Index(
            "ix_shop_order_shop_id_status_number",
            "shop_id",
            "status",
            "number",
            "paid_at",
            postgresql_include=["id"],
        ),
        Index("ix_shop_order_customer_id_number", "customer_id", "number"),
        # The list filtered by shipping method (?shipping=), newest first.
        Index("ix_shop_order_shop_id_shipping_name_number", "shop_id", "shipping_name", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    token: Mapped[str] = mapped_column(String(43), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[OrderStatus] = mapped_column(
        text_enum(OrderStatus, "order_status"), default=OrderStatus.NEW
    )
    currency: Mapped[str] = mapped_column(String(3))
    # The shop's currency_exponent when the order was placed: what its amounts mean.
    currency_exponent: Mapped[int]
    language: Mapped[str] = mapped_column(String(5))
    customer_name: Mapped[str] = mapped_column(String(120))
    customer_address: Mapped[str] = mapped_column(Text, default="")
    customer_notes: Mapped[str] = mapped_column(Text, default="")
    # The shopper's WhatsApp number in E.164 as they typed it (never verified); "" = none.
    customer_phone: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Who the order matched (shop.models.customers.customer_key) and the customer it
    # belongs to: set by the database as the order is inserted; None once forgotten.
    customer_key: Mapped[str] = mapped_column(
        String(KEY_LENGTH), default=key_of_order_row, server_default=""
    )
    # FetchedValue: the ORM knows the database writes it, so an inserted order reads it
    # again when asked (eager_defaults off below: on SQLite the trigger runs after the
    # insert, so a RETURNING would give the value from before it).
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), server_default=FetchedValue()
    )
    shipping_name: Mapped[str] = mapped_column(String(80), default="")
    shipping_price_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    shipping_needs_address: Mapped[bool] = mapped_column(default=False)
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    # The discount the order took (shop.ordering.discounts): the code as shown ("" for an
    # automatic discount or none), what the shopper read, and the amount off, of which
    # discount_shipping_minor came off shipping; the split per line is on the lines.
    discount_code: Mapped[str] = mapped_column(String(32), default="", server_default="")
    discount_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    discount_shipping_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The coupon or automatic discount it took: counted per customer by customer_phone,
    # its use given back when the order is cancelled. None = none, or deleted since.
    discount_id: Mapped[int | None] = mapped_column(
        ForeignKey("discount.id", ondelete="SET NULL"), index=True
    )
    payment_kind: Mapped[str] = mapped_column(String(20), default="")
    payment_name: Mapped[str] = mapped_column(String(80), default="")
    payment_details: Mapped[str] = mapped_column(Text, default="")
    # The delivery zone the order was priced for ("" = none) and, when the shopper shared
    # it, where they are: stored only here, shown only to the shop, never logged.
    zone_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    customer_lat: Mapped[float | None] = mapped_column(Float)
    customer_lng: Mapped[float | None] = mapped_column(Float)
    # The pickup or delivery time the shopper picked (UTC; None = none), and the place
    # it took (None once given back on cancel, or its method deleted).
    slot_at: Mapped[datetime | None] = mapped_column(index=True)
    slot_ends_at: Mapped[datetime | None] = mapped_column()
    slot_booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("slot_booking.id", ondelete="SET NULL")
    )
    # Set when the order came in while the shop was closed (the "accept with a note" policy).
    closed_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Paid or not, as the merchant marks it (shop.ordering.paid): when, how (a method's
    # name as the merchant wrote it), an optional reference such as a transfer code, and
    # who marked it. None = not paid.
    paid_at: Mapped[datetime | None] = mapped_column()
    paid_method: Mapped[str] = mapped_column(String(80), default="", server_default="")
    paid_reference: Mapped[str] = mapped_column(String(120), default="", server_default="")
    paid_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Bumped by every edit of the lines or shipping (shop.ordering.edits): an edit names
    # the version its form showed, so of two tabs one wins and the other is told.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Recorded by the merchant (a phone call, the counter), not sent by a shopper.
    by_merchant: Mapped[bool] = mapped_column(default=False, server_default="0")

    shop: Mapped[Shop] = relationship()
    customer: Mapped[Customer | None] = relationship()
    paid_by: Mapped[User | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.position", cascade="all, delete-orphan"
    )
    # The order's history: its rows of the shop's activity (status moves, edits, paid
    # marks), oldest first (shop.models.activity).
    status_changes: Mapped[list[Activity]] = relationship(
        back_populates="order", order_by="Activity.id", cascade="all, delete-orphan"
    )

    @property
    def location_url(self) -> str:
        """The shared location as a link the courier opens in any maps app (no API key,
        no map service of ours); "" when none was shared."""
        lat, lng = getattr(self, "customer_lat", None), getattr(self, "customer_lng", None)
        if lat is None or lng is None:
            return ""
        return f"https://maps.google.com/?q={lat:.6f},{lng:.6f}"


class OrderLine(db.Model):
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("shop_order.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(150))
    code: Mapped[str] = mapped_column(String(64), default="")
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)  # options' deltas included
    quantity: Mapped[int]
    line_total_minor: Mapped[int] = mapped_column(BigInteger)
    # This line's share of the order's discount (before it: line_total_minor).
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The chosen options as the shopper saw them: "Talla: M, Color: azul", and as data,
    # [{"group": "Talla", "choice": "M", "choice_id": 7, "delta": 0}, ...].
    options_text: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list] = mapped_column(JSON, default=list)
    # What this line took from stock, so cancelling gives back exactly that:
    # {"item": true, "variant": "7-12"}.
    stock_taken: Mapped[dict | None] = mapped_column(JSON)

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def label(self) -> str:
        """The name with its options, as the message and the order page show it."""
        return f"{self.name} ({self.options_text})" if self.options_text else self.name
