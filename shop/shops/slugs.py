"""Shop slugs: the ``<slug>`` in ``/s/<slug>``, made from a shop's name and checked.

Text rules first (characters, length, reserved words), then whether a slug is free:
a slug is taken by any shop that uses it now or used it before, since old links
keep redirecting to their shop forever (shop.shops.settings.change_slug), and for SLUG_HOLD
after a shop is deleted (shop.shops.deletion), so nobody can pose as it in old posts.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import literal, or_, select, union_all

from shop.extensions import db
from shop.lib.plain_codes import PLAIN_PATTERN, fold, is_plain, plain_suggestion
from shop.models import Shop, ShopSlugRedirect, ShopTombstone, utcnow

SLUG_MIN = 3
SLUG_MAX = 60
# The rule slugs share with discount codes: no look-alike characters (shop.lib.plain_codes).
SLUG_PATTERN = PLAIN_PATTERN
# How long a deleted shop's slugs stay out of reach of other shops.
SLUG_HOLD = timedelta(days=30)

# Words a shop may not take: our own paths, words that look official, and `demo`,
# which the front page links to (only the seed command creates it).
# fmt: off
RESERVED_SLUGS = frozenset({
    "about", "account", "accounts", "admin", "administrator", "api", "app", "apps", "assets",
    "auth", "billing", "blog", "cdn", "checkout", "contact", "cookies", "dashboard", "demo",
    "dev", "docs", "download", "faq", "feed", "feeds", "help", "healthz", "img", "images",
    "index", "js", "legal", "login", "logout", "mail", "media", "new", "null", "o", "official",
    "order", "orders", "p", "privacy", "readyz", "root", "s", "search", "security", "settings",
    "setup", "shop", "shops", "signin", "signout", "signup", "sitemap", "staff", "static",
    "status", "store", "stores", "support", "system", "terms", "tienda", "tiendas", "undefined",
    "user", "users", "vitrina", "webhook", "webhooks", "www",
})
# fmt: on


class SlugError(ValueError):
    """A slug that cannot be used; the message is for the merchant."""


def slug_from_text(text: str) -> str:
    """``Café Niño`` -> ``cafe-nino``: ASCII, lowercase, hyphens; "" when nothing is usable.

    Chinese, Cyrillic, Arabic and Greek names are transliterated; emoji are dropped.
    """
    return plain_suggestion(text, SLUG_MAX)


def normalize_slug(text: str) -> str:
    """What the merchant typed, trimmed and lowercased (nothing else is changed)."""
    return fold(text)


def check_slug(slug: str, *, allow_reserved: bool = False) -> str:
    """Return `slug` if its text is acceptable, else raise SlugError saying how to fix it."""
    if not slug:
        raise SlugError(_("Type a link for your shop, e.g. cafe-nino."))
    if len(slug) > SLUG_MAX:
        raise SlugError(_("The link can have at most %(max)d characters.", max=SLUG_MAX))
    if not is_plain(slug):
        suggestion = slug_from_text(slug)
        if len(suggestion) >= SLUG_MIN:
            raise SlugError(
                _(
                    "Use only lowercase letters a-z, digits and single hyphens "
                    "(e.g. %(suggestion)s).",
                    suggestion=suggestion,
                )
            )
        raise SlugError(_("Use only lowercase letters a-z, digits and single hyphens."))
    if len(slug) < SLUG_MIN:
        raise SlugError(_("The link needs at least %(min)d characters.", min=SLUG_MIN))
    if slug in RESERVED_SLUGS and not allow_reserved:
        raise SlugError(_("“%(slug)s” is reserved. Choose another link.", slug=slug))
    return slug


# -- Which slugs are free ------------------------------------------------------


def slug_available(slug: str, for_shop: Shop | None = None) -> bool:
    """True when no other shop uses `slug`, now or as an old slug.

    A shop's own current and old slugs are available to it (changing back is allowed).
    """
    owners = set(_slug_owners([slug]).values())
    owners.discard(for_shop.id if for_shop is not None else None)
    return not owners


def suggest_slug(name: str, for_shop: Shop | None = None) -> str:
    """A free, valid slug made from `name` (``cafe-nino``, else ``cafe-nino-2``...).

    "" when the name has nothing usable in a link (only emoji, say): ask for one.
    """
    base = slug_from_text(name)
    if not base:
        return ""
    if len(base) < SLUG_MIN:
        base = f"{base}-shop"
    stem = base[: SLUG_MAX - 4].rstrip("-")
    own = for_shop.id if for_shop is not None else None
    owners = _slug_owners([base], like=f"{stem}-%")
    candidates = [base] + [f"{stem}-{n}" for n in range(2, 1000)]
    for candidate in candidates:
        if owners.get(candidate, own) != own:
            continue
        try:
            check_slug(candidate)
        except SlugError:
            continue
        return candidate
    return ""


def is_old_slug_of(slug: str, shop: Shop) -> bool:
    old = db.session.get(ShopSlugRedirect, slug)
    return old is not None and old.shop_id == shop.id


def taken_message(slug: str, name: str, for_shop: Shop | None = None) -> str:
    """Say the slug is taken, offering a free one made from the slug or the shop's name."""
    suggestion = suggest_slug(slug, for_shop) or suggest_slug(name, for_shop)
    if suggestion:
        return _(
            "The link %(slug)s is taken. How about %(suggestion)s?",
            slug=slug,
            suggestion=suggestion,
        )
    return _("The link %(slug)s is taken. Choose another.", slug=slug)


def _slug_owners(slugs: list[str], like: str | None = None) -> dict[str, int]:
    """Slug -> shop id, over current and old slugs and deleted shops' held slugs (whose
    owner is 0, no shop's id), in one query."""
    current = select(Shop.slug, Shop.id)
    old = select(ShopSlugRedirect.slug, ShopSlugRedirect.shop_id)
    held = select(ShopTombstone.slug, literal(0)).where(
        ShopTombstone.deleted_at > utcnow() - SLUG_HOLD
    )
    if like is None:
        current = current.where(Shop.slug.in_(slugs))
        old = old.where(ShopSlugRedirect.slug.in_(slugs))
        held = held.where(ShopTombstone.slug.in_(slugs))
    else:
        current = current.where(or_(Shop.slug.in_(slugs), Shop.slug.like(like)))
        old = old.where(or_(ShopSlugRedirect.slug.in_(slugs), ShopSlugRedirect.slug.like(like)))
        held = held.where(or_(ShopTombstone.slug.in_(slugs), ShopTombstone.slug.like(like)))
    owners: dict[str, int] = {}
    for slug, shop_id in db.session.execute(union_all(current, old, held)):
        if shop_id or slug not in owners:  # a shop that uses it is the one to name
            owners[slug] = shop_id
    return owners
