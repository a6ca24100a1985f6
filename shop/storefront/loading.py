"""Reading a shop for its public pages: by link (old links redirect) and its visible catalog.

The shop page's query count must not grow with the catalog: one statement finds the
shop (with its logo), one loads the visible items with their categories, one their
photos.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, redirect, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..i18n import use_shop_language
from ..models import Availability, Category, Item, ItemPhoto, Shop
from ..shops import clean_line, resolve_slug

MAX_QUERY = 100
# A moved shop's old link redirects; browsers may keep the redirect for an hour only,
# since the merchant may take the old slug back one day.
REDIRECT_MAX_AGE = 3600


def shop_or_404(slug: str, *, redirect_old: bool = True) -> Shop:
    """The shop behind `/s/<slug>`; the rest of the request speaks its language.

    An old slug (or another spelling of the slug) ends the request with a permanent
    redirect to the same page under the current slug: links in old posts keep working.
    A form posted to an old link is simply served (a redirect would turn it into a GET).
    """
    shop, is_old = resolve_slug(slug)
    if shop is None:
        abort(404)
    if is_old and redirect_old:
        args = {**request.view_args, "slug": shop.slug}
        target = url_for(request.endpoint, **args)
        if request.query_string:
            target += "?" + request.query_string.decode("latin-1")
        response = redirect(target, code=301)
        response.headers["Cache-Control"] = f"public, max-age={REDIRECT_MAX_AGE}"
        abort(response)
    use_shop_language(shop)
    return shop


def visible_item_or_404(shop: Shop, item_id: int) -> Item:
    """An item of this shop that shoppers may see, with its photos; 404 otherwise."""
    item = db.session.scalar(
        select(Item)
        .where(
            Item.id == item_id,
            Item.shop_id == shop.id,
            Item.availability != Availability.HIDDEN,
        )
        .options(selectinload(Item.photos).joinedload(ItemPhoto.image))
    )
    if item is None:
        abort(404)
    return item


@dataclass
class Section:
    """A category heading and its items; `category` None is the final "Other" section."""

    category: Category | None
    items: list[Item] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"c-{self.category.id}" if self.category is not None else "c-other"


def visible_items(shop: Shop, query: str = "", *, photos: bool = True) -> list[Item]:
    """Items shoppers may see, matching `query` in name, description or code."""
    statement = (
        select(Item)
        .where(Item.shop_id == shop.id, Item.availability != Availability.HIDDEN)
        .options(joinedload(Item.category))
        .order_by(Item.position, Item.id)
    )
    if photos:
        statement = statement.options(selectinload(Item.photos).joinedload(ItemPhoto.image))
    if query:
        pattern = "%" + _escape_like(query) + "%"
        statement = statement.where(
            or_(
                Item.name.ilike(pattern, escape="\\"),
                Item.description.ilike(pattern, escape="\\"),
                Item.code.ilike(pattern, escape="\\"),
            )
        )
    return list(db.session.scalars(statement).unique())


def sections(items: list[Item]) -> list[Section]:
    """Items grouped by category in the merchant's order; uncategorised ones last."""
    by_category: dict[int, Section] = {}
    other = Section(category=None)
    for item in items:
        if item.category is None:
            other.items.append(item)
            continue
        section = by_category.setdefault(item.category.id, Section(category=item.category))
        section.items.append(item)
    ordered = sorted(by_category.values(), key=lambda s: (s.category.position, s.category.id))
    return [*ordered, other] if other.items else ordered


def clean_query(text: str | None) -> str:
    """The search as one line of text (no NUL or other control characters)."""
    return " ".join(clean_line(text).split())[:MAX_QUERY]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
