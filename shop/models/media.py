"""Processed images: a shop's photos and logo, stored under content-hash names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db
from shop.models.base import utcnow


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
