"""Who signed in, and their server-side sessions.

A merchant is found by the provider's (issuer, subject) pair, never by e-mail. The
cookie carries only a random token; the row behind it is the session. Signing out
deletes the row, so a copied cookie stops working at once, and sessions end after an
idle period and an absolute lifetime whatever the browser keeps.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.models import AuthSession, User, utcnow

if TYPE_CHECKING:
    from shop.auth.oidc import Identity

# Refresh last_seen_at at most this often, so reading pages does not write every time.
TOUCH_INTERVAL = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_identity(identity: Identity) -> User:
    """The merchant with this (issuer, subject), created on first sign-in (flushes, no commit).

    The e-mail and name are refreshed on every sign-in: they can change at the
    provider, the identity cannot.
    """
    user = _user_by_identity(identity)
    if user is None:
        try:
            with db.session.begin_nested():
                user = User(oidc_issuer=identity.issuer, oidc_subject=identity.subject)
                db.session.add(user)
        except IntegrityError:  # the same person finished signing in twice at once
            user = _user_by_identity(identity)
            assert user is not None
    user.email = identity.email
    user.name = identity.name
    user.last_sign_in_at = utcnow()
    db.session.flush()
    return user


def _user_by_identity(identity: Identity) -> User | None:
    return db.session.scalar(
        select(User).where(
            User.oidc_issuer == identity.issuer, User.oidc_subject == identity.subject
        )
    )


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
