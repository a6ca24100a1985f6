"""Devices a merchant asked to be told of new orders on, with the tab closed (Web Push).

One row per (shop, browser endpoint): the push service's address for that browser, and
the browser's public key and secret the message is encrypted with. Gone with the shop or
the merchant; a push service answering 404 or 410 removes it (shop.push.sender).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db
from shop.models.base import utcnow


class PushSubscription(db.Model):
    __tablename__ = "push_subscription"
    __table_args__ = (UniqueConstraint("shop_id", "endpoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(Text)
    # The browser's P-256 public key and auth secret, base64url as the browser gives them.
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
