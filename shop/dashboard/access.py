"""Tenancy, written once: which shop the member is working on, and loading only its rows.

Every dashboard query goes through here. A shop is reached through a membership (the
owner's included); another shop's ids answer 404, never its data, and never a hint that
the row exists. What the member's role allows is checked in shop.dashboard.capabilities.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, g, redirect, session, url_for
from flask_login import current_user
from sqlalchemy import select

from shop.extensions import db
from shop.lib.text import MAX_ID
from shop.models import Membership, Role, Shop
from shop.shops.roles import CAPABILITIES, Capability

T = TypeVar("T")
# Ids beyond a 32-bit integer cannot exist; PostgreSQL would refuse to compare them.


def current_membership() -> Membership | None:
    """The signed-in person's place in the shop they picked (or their first); None if none."""
    if "current_membership" not in g:
        g.current_membership = None
        if current_user.is_authenticated:
            places = current_user.memberships
            wanted = session.get("shop_id")
            g.current_membership = next(
                (m for m in places if m.shop_id == wanted), places[0] if places else None
            )
    return g.current_membership


def current_shop() -> Shop | None:
    """The shop the signed-in member is working on; None for someone in no shop yet."""
    membership = current_membership()
    return membership.shop if membership is not None else None


def current_role() -> Role | None:
    membership = current_membership()
    return membership.role if membership is not None else None


def member_shops() -> list[Shop]:
    """Every shop the signed-in person works on (the switcher lists them)."""
    return [m.shop for m in current_user.memberships]


def select_shop(shop: Shop) -> None:
    """Make `shop` (one the person is a member of) the one the dashboard works on."""
    session["shop_id"] = shop.id
    g.pop("current_membership", None)


def member_shop_or_404(shop_id: int) -> Shop:
    """One of the signed-in person's shops, by id; 404 for any other shop."""
    if not 0 < shop_id <= MAX_ID:
        abort(404)
    shop = db.session.scalar(
        select(Shop)
        .join(Membership, Membership.shop_id == Shop.id)
        .where(Shop.id == shop_id, Membership.user_id == current_user.id)
    )
    if shop is None:
        abort(404)
    return shop


def shops_allowing(capability: Capability):
    """A subquery of the ids of the signed-in person's shops where their role allows it."""
    roles = [role for role, allowed in CAPABILITIES.items() if capability in allowed]
    return select(Membership.shop_id).where(
        Membership.user_id == current_user.id, Membership.role.in_(roles)
    )


def owned_or_404(model: type[T], object_id: int) -> T:
    """Load a row of the current shop by id, or 404 (another shop's ids included)."""
    shop = current_shop()
    if shop is None or not 0 < object_id <= MAX_ID:
        abort(404)
    obj = db.session.scalar(
        select(model).where(model.id == object_id, model.shop_id == shop.id)  # type: ignore[attr-defined]
    )
    if obj is None:
        abort(404)
    return obj


def shop_required(view: Callable) -> Callable:
    """Send a merchant without a shop to the set-up page first."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_shop() is None:
            return redirect(url_for("dashboard.setup"))
        return view(*args, **kwargs)

    return wrapper
