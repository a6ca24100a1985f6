"""The data: merchants, their shops and catalogs, and the orders shoppers send.

Models hold data and invariants only: no URLs, no HTTP, no commits. Money is always
an integer number of minor units of the shop's currency, in the exponent stored beside
it (see shop.money).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .money import iso_exponent


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Availability(enum.StrEnum):
    AVAILABLE = "available"
    SOLD_OUT = "sold_out"
    HIDDEN = "hidden"


class OptionKind(enum.StrEnum):
    """What an option group is: sizes and colours make variants (feed rows, stock)."""

    SIZE = "size"
    COLOR = "color"
    OTHER = "other"


class ClosedPolicy(enum.StrEnum):
    """What checkout does outside the shop's opening hours."""

    REFUSE = "refuse"
    NOTE = "note"  # accept, with a note that the shop answers when it opens


class PaymentKind(enum.StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    LINK = "link"
    OTHER = "other"


class OrderStatus(enum.StrEnum):
    NEW = "new"
    CONFIRMED = "confirmed"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


def _iso_exponent_of_currency(context) -> int:
    """A new shop's exponent: ISO 4217's for the currency it is created with."""
    return iso_exponent(context.get_current_parameters()["currency"])


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: portable and readable in SQL.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class User(db.Model):
    """A merchant, known by the OpenID provider's (issuer, subject) pair, never by e-mail."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    oidc_issuer: Mapped[str] = mapped_column(String(255))
    oidc_subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(320), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    # Set by `flask --app shop create-operator` only: sees every shop, may suspend one.
    is_operator: Mapped[bool] = mapped_column(default=False, server_default=false())

    shops: Mapped[list[Shop]] = relationship(back_populates="owner", order_by="Shop.id")
    # Transient: the server-side session this request was authenticated with.
    session_token = None  # str | None

    # flask-login protocol: the id in the cookie is the session token, so that
    # deleting the server-side session row really signs the cookie out.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str | None:
        return self.session_token


class AuthSession(db.Model):
    """A signed-in browser. Deleting the row ends the session, whatever the cookie says."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Image(db.Model):
    """A processed upload: only its re-encoded renditions are ever stored and served."""

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    # Hex SHA-256 of the normalised pixels; renditions are named after it.
    key: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int]
    height: Mapped[int]
    # Widths of the WebP renditions that exist, smallest first, e.g. [320, 640, 1280].
    widths: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Shop(db.Model):
    __table_args__ = (
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint("currency_exponent BETWEEN 0 AND 4", name="currency_exponent"),
        CheckConstraint("language IN ('en', 'es')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    logo_id: Mapped[int | None] = mapped_column(
        ForeignKey("image.id", ondelete="SET NULL", use_alter=True)
    )
    whatsapp: Mapped[str] = mapped_column(String(20))  # E.164, e.g. +34612345678
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    # What the shop's amounts are stored in (2: cents), fixed from ISO 4217 when the
    # currency is set and never read from a library at run time (see shop.money).
    currency_exponent: Mapped[int] = mapped_column(default=_iso_exponent_of_currency)
    language: Mapped[str] = mapped_column(String(5), default="es")
    paused: Mapped[bool] = mapped_column(default=False)
    pause_message: Mapped[str] = mapped_column(Text, default="")
    # Bumped on every change a shopper could see: drives ETags and page caches.
    catalog_version: Mapped[int] = mapped_column(default=1)
    # The number the next order gets; taken under a row lock at checkout.
    next_order_number: Mapped[int] = mapped_column(default=1)
    # Ordering rules (shop.order_rules): 0 = no minimum; hours None = always open.
    min_order_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    time_zone: Mapped[str] = mapped_column(String(64), default="")  # IANA; "" = from country
    # {"0": [["09:00", "14:00"], ["17:00", "20:00"]], ...}, Monday = "0" (shop.hours)
    opening_hours: Mapped[dict | None] = mapped_column(JSON)
    closed_policy: Mapped[ClosedPolicy] = mapped_column(
        _enum(ClosedPolicy, "closed_policy"), default=ClosedPolicy.REFUSE
    )
    # The merchant's WhatsApp message lines (shop.message_texts); "" = the default text.
    greeting_text: Mapped[str] = mapped_column(String(300), default="")
    closing_text: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set by an operator (spam, scams): the link shows a neutral page and orders stop.
    # The reason is for the merchant and operators, never for shoppers.
    suspended_at: Mapped[datetime | None]
    suspension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The operator's e-mail address then: a record that outlives the operator's account.
    suspended_by: Mapped[str] = mapped_column(String(320), default="", server_default="")

    owner: Mapped[User] = relationship(back_populates="shops")
    logo: Mapped[Image | None] = relationship(foreign_keys=[logo_id])
    categories: Mapped[list[Category]] = relationship(
        back_populates="shop", order_by="Category.position, Category.id"
    )
    shipping_methods: Mapped[list[ShippingMethod]] = relationship(
        back_populates="shop", order_by="ShippingMethod.position, ShippingMethod.id"
    )
    payment_methods: Mapped[list[PaymentMethod]] = relationship(
        back_populates="shop", order_by="PaymentMethod.position, PaymentMethod.id"
    )

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def whatsapp_digits(self) -> str:
        """The number as wa.me wants it: digits only, country code first."""
        return self.whatsapp.lstrip("+")


class ShopSlugRedirect(db.Model):
    """An old slug of a shop: links in old posts keep working, forever."""

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShopTombstone(db.Model):
    """What is left of a deleted shop: one row per slug it answered at (current and old).

    Its link answers 410 Gone instead of 404, and for a while (shop.deletion.SLUG_HOLD)
    nobody can take the slug and pose as the shop in old posts. Nothing else is kept.
    """

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Category(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)

    shop: Mapped[Shop] = relationship(back_populates="categories")


class Item(db.Model):
    """A product or a service in a shop's catalog."""

    __table_args__ = (
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint("compare_at_minor IS NULL OR compare_at_minor >= 0", name="compare_at"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        Index("ix_item_shop_category_position", "shop_id", "category_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("category.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    price_minor: Mapped[int] = mapped_column(BigInteger)
    compare_at_minor: Mapped[int | None] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(64), default="")
    availability: Mapped[Availability] = mapped_column(
        _enum(Availability, "availability"), default=Availability.AVAILABLE
    )
    is_service: Mapped[bool] = mapped_column(default=False)
    # Units left, whatever the options; None: not counted. Taken with a conditional
    # UPDATE at checkout (shop.stock), so it never goes below zero.
    stock: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    shop: Mapped[Shop] = relationship()
    category: Mapped[Category | None] = relationship()
    photos: Mapped[list[ItemPhoto]] = relationship(
        back_populates="item",
        order_by="ItemPhoto.position, ItemPhoto.id",
        cascade="all, delete-orphan",
    )
    option_groups: Mapped[list[OptionGroup]] = relationship(
        back_populates="item",
        order_by="OptionGroup.position, OptionGroup.id",
        cascade="all, delete-orphan",
    )
    variant_stock: Mapped[list[VariantStock]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )

    @property
    def cover(self) -> Image | None:
        return self.photos[0].image if self.photos else None


class ItemPhoto(db.Model):
    """One of an item's photos (at most ten); the lowest position is the cover."""

    # The shop page takes every card's cover (its lowest position) in one statement:
    # with this index each is one index probe, without it a sort per item.
    __table_args__ = (Index("ix_item_photo_item_position", "item_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(ForeignKey("image.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    item: Mapped[Item] = relationship(back_populates="photos")
    image: Mapped[Image] = relationship()


class OptionGroup(db.Model):
    """A question the shopper answers for an item ("Talla", "Extras"): one or more choices.

    `min_choices`/`max_choices` bound how many choices a line may have; a required
    group has min_choices >= 1. Size and colour groups are single-choice and define
    the item's variants (feed rows and per-combination stock).
    """

    __table_args__ = (
        CheckConstraint("min_choices >= 0", name="min_not_negative"),
        CheckConstraint("max_choices >= 1 AND max_choices >= min_choices", name="max_choices"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[OptionKind] = mapped_column(
        _enum(OptionKind, "option_kind"), default=OptionKind.OTHER
    )
    min_choices: Mapped[int] = mapped_column(default=1)
    max_choices: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    item: Mapped[Item] = relationship(back_populates="option_groups")
    choices: Mapped[list[OptionChoice]] = relationship(
        back_populates="group",
        order_by="OptionChoice.position, OptionChoice.id",
        cascade="all, delete-orphan",
    )

    @property
    def required(self) -> bool:
        return self.min_choices > 0

    @property
    def defines_variant(self) -> bool:
        return self.kind in (OptionKind.SIZE, OptionKind.COLOR)


class OptionChoice(db.Model):
    """One answer to a group ("M", "Bacon"); it may change the price, up or down."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("option_group.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    price_delta_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    position: Mapped[int] = mapped_column(default=0)

    group: Mapped[OptionGroup] = relationship(back_populates="choices")


class VariantStock(db.Model):
    """Units left of one size/colour combination of an item (no row: not counted).

    `key` is the combination's choice ids, sorted and joined by "-" (shop.options).
    """

    __table_args__ = (
        UniqueConstraint("item_id", "key"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    stock: Mapped[int]

    item: Mapped[Item] = relationship(back_populates="variant_stock")


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

    shop: Mapped[Shop] = relationship(back_populates="shipping_methods")


class PaymentMethod(db.Model):
    """A way the shop gets paid; the shopper picks one and the order keeps a snapshot."""

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PaymentKind] = mapped_column(_enum(PaymentKind, "payment_kind"))
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
    __table_args__ = (
        UniqueConstraint("shop_id", "number"),
        UniqueConstraint("shop_id", "idempotency_key"),
        CheckConstraint("currency_exponent BETWEEN 0 AND 4", name="currency_exponent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    token: Mapped[str] = mapped_column(String(43), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[OrderStatus] = mapped_column(
        _enum(OrderStatus, "order_status"), default=OrderStatus.NEW
    )
    currency: Mapped[str] = mapped_column(String(3))
    # The shop's currency_exponent when the order was placed: what its amounts mean.
    currency_exponent: Mapped[int]
    language: Mapped[str] = mapped_column(String(5))
    customer_name: Mapped[str] = mapped_column(String(120))
    customer_address: Mapped[str] = mapped_column(Text, default="")
    customer_notes: Mapped[str] = mapped_column(Text, default="")
    shipping_name: Mapped[str] = mapped_column(String(80), default="")
    shipping_price_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    shipping_needs_address: Mapped[bool] = mapped_column(default=False)
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    payment_kind: Mapped[str] = mapped_column(String(20), default="")
    payment_name: Mapped[str] = mapped_column(String(80), default="")
    payment_details: Mapped[str] = mapped_column(Text, default="")
    # Set when the order came in while the shop was closed (the "accept with a note" policy).
    closed_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    shop: Mapped[Shop] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.position", cascade="all, delete-orphan"
    )
    status_changes: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order", order_by="OrderStatusChange.id", cascade="all, delete-orphan"
    )


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


class OrderStatusChange(db.Model):
    """When an order moved to a status: the merchant's record of what happened."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("shop_order.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus, "order_status_change"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="status_changes")


class FormSubmission(db.Model):
    """A create form already sent (its one-time key): a double tap or a resent form makes
    one thing, and the second request goes where the first went (dashboard/once.py)."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(43), primary_key=True)
    result: Mapped[str] = mapped_column(String(500), default="")  # where it went next
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
