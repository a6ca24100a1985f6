"""Who operates the site: merchants marked as operators (`flask --app shop
create-operator EMAIL`) see every shop at /operator/ and may suspend one. Functions
flush, never commit."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.extensions import db
from shop.models import User


def users_by_email(email: str) -> list[User]:
    """Accounts with this e-mail address (any case); more than one is possible, since
    identity is the provider's subject, not the address."""
    wanted = (email or "").strip().lower()
    if not wanted:
        return []
    return list(db.session.scalars(select(User).where(func.lower(User.email) == wanted)))


def set_operator(user: User, is_operator: bool = True) -> bool:
    """Mark (or unmark) `user` as an operator; True if that changed anything."""
    if user.is_operator == is_operator:
        return False
    user.is_operator = is_operator
    db.session.flush()
    return True
