"""Create forms that act once: a double tap, a resent form or a retried request after a
slow network makes one item, not two.

Each create form carries a one-time key. The first request to send it stores the key
with the merchant (a primary key, so a second request racing the first waits on the
row and then finds it); a later request with the same key goes where the first one
went, and nothing is created again. Keys are kept a day: a form is not resent later.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.models import FormSubmission, utcnow

KEEP = timedelta(days=1)
_KEY = re.compile(r"[A-Za-z0-9_-]{32}")


def new_key() -> str:
    """A key for a form about to be shown."""
    return secrets.token_urlsafe(24)


def claim(user_id: int, key: object) -> FormSubmission | None:
    """Take the form's key for this request; the earlier submission if it was taken.

    Returns None when this request should create: the key is new (now taken, within
    the request's transaction), or missing or malformed (an old page: create anyway).
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        return None
    db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < utcnow() - KEEP))
    earlier = _find(user_id, key)
    if earlier is not None:
        return earlier
    db.session.add(FormSubmission(user_id=user_id, key=key))
    try:
        db.session.flush()
    except IntegrityError:  # the other tap committed first (nothing else is done yet)
        db.session.rollback()
        return _find(user_id, key)
    return None


def remember(user_id: int, key: object, result: str) -> None:
    """Where the request that took the key went next, for the ones that follow it."""
    if isinstance(key, str) and _KEY.fullmatch(key):
        submission = db.session.get(FormSubmission, (user_id, key))
        if submission is not None:
            submission.result = result


def _find(user_id: int, key: str) -> FormSubmission | None:
    return db.session.scalar(
        select(FormSubmission).where(FormSubmission.user_id == user_id, FormSubmission.key == key)
    )
