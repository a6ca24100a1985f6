"""A shop's own domain (``tienda.example.com``): the name, the token that proves the
merchant controls it, and where its check stands.

One per shop and one shop per name (both unique). The row exists from the moment the
merchant adds the name; the storefront answers on it only while it is live, and
Shop.custom_domain names it then (the public side; this row is the merchant's).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db
from shop.models.base import text_enum, utcnow


class DomainState(enum.StrEnum):
    WAITING = "waiting"  # added, never seen answering with its token
    LIVE = "live"  # the last check passed: the shop answers there
    FAILING = "failing"  # was live, the checks fail since failing_since


class ShopDomain(db.Model):
    __tablename__ = "shop_domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), unique=True)
    # Lowercase, IDNA (xn--) form, no trailing dot (shop.shops.domains.names).
    name: Mapped[str] = mapped_column(String(253), unique=True)
    token: Mapped[str] = mapped_column(String(64))
    state: Mapped[DomainState] = mapped_column(
        text_enum(DomainState, "domain_state"), default=DomainState.WAITING
    )
    failing_since: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]
    # Why the last check failed, a short English code (safe_fetch's reasons, "token").
    last_error: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
