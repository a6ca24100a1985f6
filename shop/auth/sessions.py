"""Server-side sign-in sessions.

The cookie carries only a random token; the row behind it is the session. Signing
out deletes the row, so a copied cookie stops working at once, and sessions end
after an idle period and an absolute lifetime whatever the browser keeps.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import AuthSession, User, utcnow

# Refresh last_seen_at at most this often, so reading pages does not write every time.
TOUCH_INTERVAL = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    """Open a new session for the user and return its token (flushes, no commit)."""
    token = secrets.token_urlsafe(32)
    db.session.add(AuthSession(token_hash=_hash(token), user_id=user.id))
    db.session.flush()
    user.session_token = token
    return token


def end_session(token: str | None) -> None:
    """Forget the session behind a token (flushes, no commit)."""
    if token:
        db.session.execute(delete(AuthSession).where(AuthSession.token_hash == _hash(token)))


def load_user(token: str) -> User | None:
    """flask-login's user loader: the live session's user, or None when it has ended."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(select(AuthSession).where(AuthSession.token_hash == _hash(token)))
    if row is None:
        return None
    now = utcnow()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if now - row.last_seen_at > idle or now - row.created_at > lifetime:
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.commit()
    user = row.user
    user.session_token = token
    return user
