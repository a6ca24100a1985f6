"""Merchants, their sign-in sessions and the one-time keys of their forms."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db
from shop.models.base import utcnow

if TYPE_CHECKING:  # relationships name each other across modules
    from shop.models.shops import Shop
    from shop.models.team import Membership


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
    # Every shop this person works on, with their role there (their own ones included).
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", order_by="Membership.shop_id", passive_deletes=True
    )
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


class FormSubmission(db.Model):
    """A create form already sent (its one-time key): a double tap or a resent form makes
    one thing, and the second request goes where the first went (dashboard/once.py)."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(43), primary_key=True)
    result: Mapped[str] = mapped_column(String(500), default="")  # where it went next
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
