"""Processed images: a shop's photos and logo, stored under content-hash names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
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


class PendingUpload(db.Model):
    """A photo checked and held for a form that is not saved yet (issue 16).

    Its bytes stay here, never in the public media storage, until the item it is
    attached to is saved (then it goes through the pipeline like any upload and this
    row is deleted). A form carries it by `token`; only its shop may claim it. Rows
    nobody claimed are deleted after a day (shop.media.pending.prune).
    """

    __table_args__ = (Index("ix_pending_upload_shop_id_digest", "shop_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255), default="")
    # Hex SHA-256 of the bytes: the same photo sent again (a reloaded error page) is
    # held once.
    digest: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # The smallest WebP rendition, for the form's own thumbnail (served to its shop only).
    preview: Mapped[bytes] = mapped_column(LargeBinary)
    # A draft product of "Add from photos": kept (with the name typed so far) until it
    # is priced and saved as an item, or for DRAFT_DAYS. Never an item before that.
    draft: Mapped[bool] = mapped_column(default=False)
    draft_name: Mapped[str] = mapped_column(String(150), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
