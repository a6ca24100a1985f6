"""Tenancy, written once: which shop the merchant is working on, and loading only its rows.

Every dashboard query goes through here. Another merchant's ids answer 404, never
their data, and never a hint that the row exists.
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
from shop.models import Shop

T = TypeVar("T")
# Ids beyond a 32-bit integer cannot exist; PostgreSQL would refuse to compare them.


def current_shop() -> Shop | None:
    """The shop the signed-in merchant picked (or their first one); None without any."""
    if "current_shop" not in g:
        g.current_shop = None
        if current_user.is_authenticated:
            shops = current_user.shops
            wanted = session.get("shop_id")
            g.current_shop = next((s for s in shops if s.id == wanted), shops[0] if shops else None)
    return g.current_shop


def select_shop(shop: Shop) -> None:
    """Make `shop` the one the dashboard works on from now on."""
    session["shop_id"] = shop.id
    g.current_shop = shop


def owned_shop_or_404(shop_id: int) -> Shop:
    if not 0 < shop_id <= MAX_ID:
        abort(404)
    shop = db.session.scalar(
        select(Shop).where(Shop.id == shop_id, Shop.owner_id == current_user.id)
    )
    if shop is None:
        abort(404)
    return shop


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
