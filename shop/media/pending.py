"""Photos held for a form until it is saved, so no error ever asks for them again.

A photo is checked in full (size, pixels, format: the same pipeline as every upload)
as soon as it is picked, and held by a token the form carries. Nothing of it is in the
public media storage until its item is saved: then it goes through the pipeline and
the held copy is deleted. What no item ever claimed is deleted after a day by the job
queue's periodic task below.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import IO

from sqlalchemy import and_, delete, or_, select

from shop.extensions import db
from shop.jobs.kinds import periodic
from shop.media.names import rendition_name
from shop.media.pipeline import prepare, read_upload
from shop.models import PendingUpload, Shop, utcnow

KEEP_FOR = timedelta(days=1)
# Drafts of "Add from photos" wait longer for their prices.
DRAFTS_KEEP_FOR = timedelta(days=30)
FILENAME_MAX = 255


def hold(shop: Shop, stream: IO[bytes], filename: str = "", draft: bool = False) -> PendingUpload:
    """Check an upload like the pipeline does and keep it for `shop` (flushes).

    Raises pipeline.ImageRejected with the merchant's message, as ingest does.
    """
    data = read_upload(stream)
    digest = hashlib.sha256(data).hexdigest()
    same = db.session.scalar(
        select(PendingUpload)
        .where(
            PendingUpload.shop_id == shop.id,
            PendingUpload.digest == digest,
            PendingUpload.draft.is_(draft),
        )
        .order_by(PendingUpload.id)
        .limit(1)
    )
    if same is not None and same.data == data:
        return same
    photo = prepare(data)
    smallest = rendition_name(photo.key, photo.widths[0])
    (_name, preview), *_rest = [*photo.encode({smallest}), (None, b"")]
    pending = PendingUpload(
        token=secrets.token_urlsafe(32),
        shop_id=shop.id,
        filename=(filename or "")[:FILENAME_MAX],
        digest=digest,
        draft=draft,
        data=data,
        preview=preview or b"",
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def claim(shop: Shop, tokens: list[str], limit: int) -> list[PendingUpload]:
    """The shop's own held uploads for `tokens`, in the form's order, at most `limit`.

    Tokens of another shop, unknown, repeated or malformed ones are left out: a form
    can only ever attach what its own shop uploaded.
    """
    wanted = list(dict.fromkeys(t for t in tokens if t and len(t) <= 64))[: max(limit, 0)]
    if not wanted:
        return []
    found = {
        pending.token: pending
        for pending in db.session.scalars(
            select(PendingUpload).where(
                PendingUpload.shop_id == shop.id, PendingUpload.token.in_(wanted)
            )
        )
    }
    return [found[token] for token in wanted if token in found]


def owned(shop: Shop, token: str) -> PendingUpload | None:
    return db.session.scalar(
        select(PendingUpload).where(PendingUpload.shop_id == shop.id, PendingUpload.token == token)
    )


def release(uploads: list[PendingUpload]) -> None:
    """Forget held uploads once their item has them (in the caller's transaction)."""
    for pending in uploads:
        db.session.delete(pending)


def delete_unclaimed(
    older_than: timedelta = KEEP_FOR, drafts_older_than: timedelta = DRAFTS_KEEP_FOR
) -> int:
    """Delete what was held longer than `older_than` (drafts: `drafts_older_than`);
    how many rows went."""
    now = utcnow()
    result = db.session.execute(
        delete(PendingUpload).where(
            or_(
                and_(PendingUpload.draft.is_(False), PendingUpload.created_at < now - older_than),
                and_(
                    PendingUpload.draft.is_(True),
                    PendingUpload.created_at < now - drafts_older_than,
                ),
            )
        )
    )
    return result.rowcount or 0


def drafts(shop: Shop) -> list[PendingUpload]:
    """The shop's draft products of "Add from photos", oldest first."""
    return list(
        db.session.scalars(
            select(PendingUpload)
            .where(PendingUpload.shop_id == shop.id, PendingUpload.draft.is_(True))
            .order_by(PendingUpload.id)
        )
    )


@periodic("pending-uploads-prune", every=timedelta(hours=1))
def prune(job) -> dict:
    """Photos picked for a form that was never saved: gone after a day (drafts: 30)."""
    deleted = delete_unclaimed()
    db.session.commit()
    return {"deleted": deleted}
