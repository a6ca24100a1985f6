"""Operator rules about shops: finding any shop, suspending and lifting.

Anyone with a Google account can open a shop, so some are spam or scams. An operator
(made by `flask --app shop create-operator`) can suspend one with a reason: its link
then shows a neutral "unavailable" page, checkout refuses, feeds and the sitemap
drop it. Who suspended and when is recorded; the reason is for the merchant and
other operators, never for shoppers. Functions flush, never commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from shop.catalog import page_numbers
from shop.extensions import db
from shop.lib.text import LIKE_ESCAPE, clean_text, escape_like
from shop.models import Shop, User, utcnow

REASON_MAX = 1000
SEARCH_MAX = 100
PER_PAGE = 50
STATUSES = ("all", "active", "suspended")


class OperatorError(ValueError):
    """A change an operator asked for that cannot be made; the message says why."""


@dataclass
class ShopPage:
    shops: list[Shop]
    total: int
    page: int
    pages: int
    numbers: list[int | None] = field(default_factory=list)


def find_shops(query: str = "", status: str = "all", page: int = 1) -> ShopPage:
    """One page of every shop, newest first, matching slug, name, owner's e-mail or
    WhatsApp number. Two queries, whatever the number of shops."""
    filters = []
    words = " ".join((query or "").split())[:SEARCH_MAX]
    if words:
        pattern = f"%{escape_like(words)}%"
        owners = select(User.id).where(User.email.ilike(pattern, escape=LIKE_ESCAPE))
        filters.append(
            or_(
                Shop.slug.ilike(pattern, escape=LIKE_ESCAPE),
                Shop.name.ilike(pattern, escape=LIKE_ESCAPE),
                Shop.whatsapp.like(pattern, escape=LIKE_ESCAPE),
                Shop.owner_id.in_(owners),
            )
        )
    if status == "suspended":
        filters.append(Shop.suspended_at.is_not(None))
    elif status == "active":
        filters.append(Shop.suspended_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(Shop).where(*filters)) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    shops = db.session.scalars(
        select(Shop)
        .options(joinedload(Shop.owner))
        .where(*filters)
        .order_by(Shop.created_at.desc(), Shop.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return ShopPage(list(shops), total, page, pages, page_numbers(page, pages))


def check_reason(reason: str | None) -> str:
    """The reason as stored: required, a few lines at most."""
    text = clean_text(reason)
    if not text:
        raise OperatorError(_("Say why the shop is suspended."))
    if len(text) > REASON_MAX:
        raise OperatorError(_("The reason can have at most %(max)d characters.", max=REASON_MAX))
    return text


def suspend_shop(shop: Shop, operator: User, reason: str | None) -> bool:
    """Suspend `shop`: public pages become "unavailable" at once (the catalog version
    changes, so no cache serves the old pages) and orders stop. Suspending a
    suspended shop only updates the reason. True if anything changed."""
    text = check_reason(reason)
    if shop.suspended_at is not None and shop.suspension_reason == text:
        return False
    if shop.suspended_at is None:
        shop.suspended_at = utcnow()
        shop.suspended_by = operator.email
    shop.suspension_reason = text
    db.session.flush()
    return True


def lift_suspension(shop: Shop) -> bool:
    """Open a suspended shop again, as it was; True if it was suspended."""
    if shop.suspended_at is None:
        return False
    shop.suspended_at = None
    shop.suspended_by = ""
    shop.suspension_reason = ""
    db.session.flush()
    return True
