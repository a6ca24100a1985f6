"""A shop's team: inviting people by link, letting them join, removing them, and
handing the shop over. Functions flush, never commit; the request commits once.

A shop always has exactly one owner: it is moved under a lock of the shop's row (two
handovers at once queue), and the database refuses a second owner besides.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from shop.extensions import db
from shop.models import (
    AuthSession,
    Invitation,
    Membership,
    PushSubscription,
    Role,
    Shop,
    User,
    utcnow,
)

INVITATION_LIFETIME = timedelta(days=7)
MAX_OPEN_INVITATIONS = 50
INVITABLE = (Role.MANAGER, Role.STAFF)  # an owner is made by a handover only


class TeamError(Exception):
    """A refusal, in words for the person who asked."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(shop: Shop, role: Role, by: User, email: str = "") -> tuple[Invitation, str]:
    """A new invitation and its token (the only time the token exists in clear)."""
    if role not in INVITABLE:
        raise TeamError(_("Choose manager or staff."))
    if len(open_invitations(shop)) >= MAX_OPEN_INVITATIONS:
        raise TeamError(_("Revoke an open invitation before sending another."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        shop_id=shop.id,
        token_hash=_hash(token),
        role=role,
        email=email,
        invited_by_id=by.id,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def open_invitations(shop: Shop) -> list[Invitation]:
    """Invitations of the shop that can still be used, newest first."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.shop_id == shop.id,
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.id.desc())
        )
    )


def revoke(invitation: Invitation) -> None:
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()


def invitation_for(token: str) -> Invitation | None:
    """The invitation behind a link's token, whatever its state (None: no such link)."""
    if not 20 <= len(token) <= 64:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))


def problem_with(invitation: Invitation | None, user: User, now: datetime | None = None):
    """Why `user` cannot join through this invitation, in words; None when they can."""
    now = now or utcnow()
    if invitation is None:
        return _("This invitation link is not valid. Ask for a new one.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn. Ask for a new one.")
    if invitation.used_at is not None:
        if invitation.used_by_id == user.id:
            return _("You already joined %(shop)s with this link.", shop=invitation.shop.name)
        return _("This invitation was already used. Ask for a new one.")
    if invitation.expires_at <= now:
        return _("This invitation has expired. Ask for a new one.")
    if invitation.email and invitation.email.casefold() != (user.email or "").casefold():
        return _(
            "This invitation is for %(invited)s, and you are signed in as %(you)s. "
            "Sign out and sign in with that account.",
            invited=invitation.email,
            you=user.email or user.name,
        )
    if membership_of(invitation.shop_id, user.id) is not None:
        return _("You are already in the team of %(shop)s.", shop=invitation.shop.name)
    return None


def accept(invitation: Invitation | None, user: User) -> Membership:
    """Make `user` a member with the invitation's role; the invitation is spent.

    The invitation row is locked first, so two tabs accepting at once make one member.
    """
    if invitation is not None:
        invitation = db.session.scalar(
            select(Invitation)
            .where(Invitation.id == invitation.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    problem = problem_with(invitation, user)
    if problem is not None:
        raise TeamError(problem)
    now = utcnow()
    invitation.used_at = now
    invitation.used_by_id = user.id
    membership = Membership(shop_id=invitation.shop_id, user_id=user.id, role=invitation.role)
    db.session.add(membership)
    db.session.flush()
    return membership


def membership_of(shop_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.shop_id == shop_id, Membership.user_id == user_id)
    )


def members(shop: Shop) -> list[Membership]:
    """The team, the owner first, then managers and staff by when they joined."""
    order = {Role.OWNER: 0, Role.MANAGER: 1, Role.STAFF: 2}
    rows = db.session.scalars(select(Membership).where(Membership.shop_id == shop.id)).all()
    return sorted(rows, key=lambda m: (order[m.role], m.created_at, m.id))


def remove(membership: Membership) -> None:
    """Take the shop away from a member and end their sessions at once.

    Every session of theirs ends (their next request is signed out), also when they
    belong to other shops: the session cannot tell which shop a tab was working on.
    """
    if membership.role is Role.OWNER:
        raise TeamError(_("The owner cannot be removed. Hand the shop over first."))
    user_id = membership.user_id
    _forget_devices(membership)
    db.session.delete(membership)
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
    db.session.flush()


def leave(membership: Membership) -> None:
    """A manager or staff member leaves the shop on their own; the owner hands over first."""
    if membership.role is Role.OWNER:
        raise TeamError(_("The owner cannot be removed. Hand the shop over first."))
    _forget_devices(membership)
    db.session.delete(membership)
    db.session.flush()


def _forget_devices(membership: Membership) -> None:
    """A member who leaves the shop is no longer told of its new orders (Web Push)."""
    db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.shop_id == membership.shop_id,
            PushSubscription.user_id == membership.user_id,
        )
    )


def change_role(membership: Membership, role: Role) -> None:
    if membership.role is Role.OWNER or role not in INVITABLE:
        raise TeamError(_("The owner's role changes only by handing the shop over."))
    membership.role = role
    db.session.flush()


def hand_over(shop: Shop, to: Membership, by: User) -> None:
    """Make the manager `to` the shop's owner; the owner becomes a manager.

    The shop's row is locked first: of two handovers at once, the second sees the first's
    result and is refused if its owner is no longer the owner.
    """
    locked = db.session.scalar(
        select(Shop)
        .where(Shop.id == shop.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    current = db.session.scalar(
        select(Membership)
        .where(Membership.shop_id == shop.id, Membership.role == Role.OWNER)
        .execution_options(populate_existing=True)
    )
    db.session.refresh(to)
    if to.shop_id != shop.id or to.role is not Role.MANAGER:
        raise TeamError(_("Only a manager of this shop can become its owner."))
    if current is None or current.user_id != locked.owner_id or current.user_id != by.id:
        raise TeamError(_("The shop changed hands meanwhile. Reload the page."))
    current.role = Role.MANAGER
    db.session.flush()  # one owner at a time: the database refuses two
    to.role = Role.OWNER
    locked.owner_id = to.user_id
    db.session.flush()
