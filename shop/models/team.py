"""A shop's team: who may work on it, and with which role.

The shop's owner is a member too (role ``owner``); the database keeps a shop to at most
one owner (a partial unique index), and the code that hands ownership over moves it in
one transaction, so there is always exactly one.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db
from shop.models.base import text_enum, utcnow

if TYPE_CHECKING:  # relationships name each other across modules
    from shop.models.accounts import User
    from shop.models.shops import Shop


class Role(enum.StrEnum):
    """What a member may do is read from shop.shops.roles.CAPABILITIES, never from here."""

    OWNER = "owner"
    MANAGER = "manager"
    STAFF = "staff"


class Membership(db.Model):
    """A person in a shop's team. Deleting the row takes the shop away from them."""

    __table_args__ = (
        UniqueConstraint("shop_id", "user_id"),
        Index(
            "uq_membership_one_owner",
            "shop_id",
            unique=True,
            sqlite_where=text("role = 'owner'"),
            postgresql_where=text("role = 'owner'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(text_enum(Role, "membership_role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shop: Mapped[Shop] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class Invitation(db.Model):
    """A link that lets one person join the shop with a role: once, before it expires.

    Only the hash of the link's token is kept, so a copy of the database opens no shop.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(text_enum(Role, "invitation_role"))
    # Sent to this address, and only its account may use it; "" = a link for whoever has it.
    email: Mapped[str] = mapped_column(String(320), default="")
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None]

    shop: Mapped[Shop] = relationship()
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])
