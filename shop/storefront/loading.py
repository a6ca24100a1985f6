"""Finding a shop by its link (old links redirect) and a visible item, as ORM objects.

Checkout and the no-JavaScript order form work on these; the cached public pages
read plain rows instead (see rows.py).
"""

from __future__ import annotations

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.lib.pixels import shop_pixel_sources
from shop.lib.text import clean_line
from shop.models import Availability, Item, ItemPhoto, Shop
from shop.shops.deletion import tombstone
from shop.shops.settings import resolve_slug
from shop.storefront.hosts import remember_domains, request_shop_host
from shop.storefront.unavailable import abort_if_suspended
from shop.web.errors import render_error
from shop.web.headers import allow_sources
from shop.web.locale import use_shop_language

MAX_QUERY = 100
# A deleted shop's notice may be kept by browsers and caches: the shop is not coming back.
GONE_MAX_AGE = 3600
# A redirect to the same slug spelled another way (or to its host form) never changes:
# browsers and caches may keep it for an hour.
REDIRECT_MAX_AGE = 3600
# A moved shop's old link redirects too, but the merchant may take the old slug back
# (or give it to another of their shops): a kept redirect would then send shoppers away,
# or round in a loop with the new one. Every cache asks the app again each time.
OLD_SLUG_REDIRECT_CACHE = "no-cache"


def redirect_caching(asked: str, current: str) -> str:
    """Cache-Control for a redirect from the slug `asked` to the shop's `current` one."""
    if asked.lower() == current:
        return f"public, max-age={REDIRECT_MAX_AGE}"
    return OLD_SLUG_REDIRECT_CACHE


def shop_or_404(
    slug: str, *, redirect_old: bool = True, allow_suspended: bool = False, logo: bool = True
) -> Shop:
    """The shop behind `/s/<slug>`; the rest of the request speaks its language.

    An old slug (or another spelling of the slug) ends the request with a permanent
    redirect to the same page under the current slug: links in old posts keep working.
    A form posted to an old link is simply served (a redirect would turn it into a GET).
    A suspended shop ends the request with the unavailable page, unless
    `allow_suspended` (checkout, which refuses the order itself). `logo=False` leaves the
    shop's logo to load if asked for (a request that usually draws no page).
    """
    shop, is_old = resolve_slug(slug, logo=logo)
    if shop is None:
        missing_shop(slug)
    if is_old and redirect_old:
        args = {**request.view_args, "slug": shop.slug}
        target = url_for(request.endpoint, **args)
        if request.query_string:
            target += "?" + request.query_string.decode("latin-1")
        response = redirect(target, code=301)
        response.headers["Cache-Control"] = redirect_caching(slug, shop.slug)
        abort(response)
    if not allow_suspended:
        abort_if_suspended(shop)
    use_shop_language(shop)
    allow_sources(shop_pixel_sources(shop))
    remember_domains({shop.slug: shop.custom_domain})  # links need no statement of their own
    return shop


def to_shop_host():
    """Under SHOP_DOMAIN, a before_request hook: the path form of a shop's page
    (``/s/<slug>/p/7`` on the main host) redirects to its host form
    (``https://<slug>.<domain>/p/7``), old slugs straight to the current one. Forms
    posted to the path form are served, as for old slugs: a redirect loses the body.
    """
    if not current_app.config.get("SHOP_DOMAIN") or request_shop_host() is not None:
        return None
    slug = (request.view_args or {}).get("slug")
    if slug is None or request.method not in ("GET", "HEAD"):
        return None
    shop, _is_old = resolve_slug(slug)
    if shop is None:
        return None  # the view answers 404
    target = url_for(request.endpoint, **{**request.view_args, "slug": shop.slug})
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    response = redirect(target, code=301)
    response.headers["Cache-Control"] = redirect_caching(slug, shop.slug)
    return response


def missing_shop(slug: str) -> None:
    """End a request for a shop that does not exist: 410 Gone with a short notice when
    its owner deleted it (shop.shops.deletion), 404 otherwise."""
    if tombstone(slug) is None:
        abort(404)
    body, status = render_error(
        410,
        _("This shop has closed"),
        _("Its owner removed it from Vitrina, so this link no longer works."),
    )
    response = make_response(body, status)
    response.headers["Cache-Control"] = f"public, max-age={GONE_MAX_AGE}"
    abort(response)


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


def clean_query(text: str | None) -> str:
    """The search as one line of text (no NUL or other control characters)."""
    return " ".join(clean_line(text).split())[:MAX_QUERY]
