"""A shop's catalog: categories, items, their photos, options and stock."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db
from shop.models.base import text_enum, utcnow

if TYPE_CHECKING:  # relationships name each other across modules
    from shop.models.media import Image
    from shop.models.shops import Shop


class Availability(enum.StrEnum):
    AVAILABLE = "available"
    SOLD_OUT = "sold_out"
    HIDDEN = "hidden"


class OptionKind(enum.StrEnum):
    """What an option group is: a size or a colour (Meta's feed has a column for each),
    or anything else. Whether it makes variants is OptionGroup.is_variant."""

    SIZE = "size"
    COLOR = "color"
    OTHER = "other"


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
        # The shop page's order, with what it filters on: its first view counts each
        # category's visible items and finds where a part ends on the index alone
        # (storefront/fast/first_view.py).
        Index("ix_item_shop_card_order", "shop_id", "category_id", "position", "availability"),
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
        text_enum(Availability, "availability"), default=Availability.AVAILABLE
    )
    is_service: Mapped[bool] = mapped_column(default=False)
    # Units left, whatever the options; None: not counted. Taken with a conditional
    # UPDATE at checkout (shop.ordering.stock), so it never goes below zero.
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


def _variant_by_kind(context) -> bool:
    """A group written without saying: sizes and colours make variants, as they always did."""
    return context.get_current_parameters().get("kind") in (OptionKind.SIZE, OptionKind.COLOR)


class OptionGroup(db.Model):
    """A question the shopper answers for an item ("Talla", "Extras"): one or more choices.

    `min_choices`/`max_choices` bound how many choices a line may have; a required
    group has min_choices >= 1. Variant groups (`is_variant`: sizes, colours, or any
    dimension the merchant names, "Material", "Sabor") are single-choice and define the
    item's variants: feed rows and per-combination stock (shop.catalog.variants).
    """

    __table_args__ = (
        CheckConstraint("min_choices >= 0", name="min_not_negative"),
        CheckConstraint("max_choices >= 1 AND max_choices >= min_choices", name="max_choices"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[OptionKind] = mapped_column(
        text_enum(OptionKind, "option_kind"), default=OptionKind.OTHER
    )
    # A variant dimension (migration 0026): its choices make combinations with their own
    # stock and feed rows. Size and colour groups always are; any other may be.
    is_variant: Mapped[bool] = mapped_column(default=_variant_by_kind, server_default=false())
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
        return bool(self.is_variant)


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
    """Units left of one combination of an item's variant groups (no row: not counted).

    `key` is the combination's choice ids, sorted and joined by "-" (shop.ordering.choices).
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
