"""A shop, its links old and gone, and its ordering settings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db
from shop.lib.money import iso_exponent
from shop.models.base import text_enum, utcnow

if TYPE_CHECKING:  # relationships name each other across modules
    from shop.models.accounts import User
    from shop.models.catalog import Category
    from shop.models.media import Image
    from shop.models.ordering import PaymentMethod, ShippingMethod
    from shop.models.team import Membership


class ClosedPolicy(enum.StrEnum):
    """What checkout does outside the shop's opening hours."""

    REFUSE = "refuse"
    NOTE = "note"  # accept, with a note that the shop answers when it opens


def _iso_exponent_of_currency(context) -> int:
    """A new shop's exponent: ISO 4217's for the currency it is created with."""
    return iso_exponent(context.get_current_parameters()["currency"])


class PhonePolicy(enum.StrEnum):
    """Whether checkout asks the shopper for their WhatsApp number."""

    OFF = "off"
    OPTIONAL = "optional"
    REQUIRED = "required"


class Shop(db.Model):
    __table_args__ = (
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint("currency_exponent BETWEEN 0 AND 4", name="currency_exponent"),
        # A code of shop.lib.locales.LANGUAGES (``pt_BR``), checked by the settings; the
        # database only keeps nonsense out, so a new language needs no migration.
        CheckConstraint("length(language) BETWEEN 2 AND 5", name="language"),
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
    # currency is set and never read from a library at run time (see shop.lib.money).
    currency_exponent: Mapped[int] = mapped_column(default=_iso_exponent_of_currency)
    language: Mapped[str] = mapped_column(String(5), default="es")
    paused: Mapped[bool] = mapped_column(default=False)
    pause_message: Mapped[str] = mapped_column(Text, default="")
    # Bumped on every change a shopper could see: drives ETags and page caches.
    catalog_version: Mapped[int] = mapped_column(default=1)
    # The number the next order gets; taken under a row lock at checkout.
    next_order_number: Mapped[int] = mapped_column(default=1)
    # Ordering rules (shop.ordering.rules): 0 = no minimum; hours None = always open.
    min_order_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    time_zone: Mapped[str] = mapped_column(String(64), default="")  # IANA; "" = from country
    # {"0": [["09:00", "14:00"], ["17:00", "20:00"]], ...}, Monday = "0" (shop.lib.hours)
    opening_hours: Mapped[dict | None] = mapped_column(JSON)
    closed_policy: Mapped[ClosedPolicy] = mapped_column(
        text_enum(ClosedPolicy, "closed_policy"), default=ClosedPolicy.REFUSE
    )
    # The merchant's WhatsApp message lines (shop.whatsapp.texts); "" = the default text.
    greeting_text: Mapped[str] = mapped_column(String(300), default="")
    closing_text: Mapped[str] = mapped_column(String(300), default="")
    # The merchant's own news line per kind of update to the shopper
    # (shop.whatsapp.update_texts.KINDS, e.g. {"confirmed": "..."}); a kind left out,
    # or None, is the default line in the order's language.
    update_texts: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set by an operator (spam, scams): the link shows a neutral page and orders stop.
    # The reason is for the merchant and operators, never for shoppers.
    suspended_at: Mapped[datetime | None]
    suspension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The operator's e-mail address then: a record that outlives the operator's account.
    suspended_by: Mapped[str] = mapped_column(String(320), default="", server_default="")
    # When the merchant first opened the share page or copied the shop's link: the last
    # step of the set-up checklist on the dashboard home.
    link_shared_at: Mapped[datetime | None]
    # Whether checkout asks for the shopper's WhatsApp number (shown on the shop's pages).
    ask_phone: Mapped[PhonePolicy] = mapped_column(
        text_enum(PhonePolicy, "ask_phone"),
        default=PhonePolicy.OPTIONAL,
        server_default=PhonePolicy.OPTIONAL.value,
    )
    # New orders noticed (the merchant's, never on a public page): an order still new
    # after this many minutes is highlighted on the orders page (0 = never); and whether
    # the owner gets an e-mail per new order.
    stale_after_minutes: Mapped[int] = mapped_column(default=15, server_default="15")
    email_new_orders: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Ads measurement the merchant turned on (shop.sharing.pixels): None = off. Loaded in
    # the shopper's browser only after they agree; the pages carry the ids as a flag.
    meta_pixel_id: Mapped[str | None] = mapped_column(String(20))
    ga4_measurement_id: Mapped[str | None] = mapped_column(String(20))
    # True while the shop has an active automatic discount (kept by shop.ordering.coupons),
    # so a plain cart in a shop without one costs checkout no query for them.
    has_automatic_discount: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The shop's privacy page (issue 20): its own short text ("" = the default in the
    # page's language), and after how many months without an order a customer's personal
    # data is wiped (shop.ordering.customer_privacy; None = kept until deleted by hand).
    privacy_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    forget_customers_after_months: Mapped[int | None] = mapped_column()
    # Where delivery distances are measured from (shop.ordering.zones); None = not set.
    # Public: the cart page estimates a distance zone's fee in the shopper's browser.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # The merchant's own domain once it is verified and live (shop.shops.domains keeps it
    # in step with ShopDomain): canonical URLs name it, so it is a public column.
    custom_domain: Mapped[str | None] = mapped_column(String(253), unique=True, index=True)

    owner: Mapped[User] = relationship(back_populates="shops")
    # The team, the owner included (shop.shops.team keeps owner_id and the owner's
    # membership in step).
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="shop", cascade="all, delete-orphan", passive_deletes=True
    )
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

    def __init__(self, **fields) -> None:
        # A new shop's owner is its first member: no shop exists without one.
        super().__init__(**fields)
        if self.owner is not None and not self.memberships:
            from shop.models.team import Membership, Role

            self.memberships.append(Membership(user=self.owner, role=Role.OWNER))

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

    Its link answers 410 Gone instead of 404, and for a while (shop.shops.deletion.SLUG_HOLD)
    nobody can take the slug and pose as the shop in old posts. Nothing else is kept.
    """

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The shop's live custom domain, on its current slug's row: the domain then answers
    # 410 as the link does, while no shop has the slug (shop/storefront/hosts.py).
    domain: Mapped[str | None] = mapped_column(String(253), index=True)
