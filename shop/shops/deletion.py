"""Deleting a shop: its rows and photos go, only a tombstone of its links stays.

What is kept, and why: one ShopTombstone row (slug, deleted_at) per slug the shop
answered at, current and old, the current one with the shop's live custom domain, which
then answers as the link does. Its public link then answers 410 Gone with a short
notice instead of a bare 404, and for SLUG_HOLD (30 days, see shop.shops.slugs) nobody can
take the slug and pose as the shop in posts that still point there. After that the
slug is free again; the tombstone only answers while no shop uses it.

Order pages (/o/<token>) of a deleted shop answer 404 like any unknown token: keeping
the tokens would be keeping a trace of each shopper's order.

Rows go by the database's ON DELETE CASCADE from the shop row, so tables added later
(hanging off the shop, its items or its orders) go too without a change here.
Photos: an Image row belongs to one shop, but renditions are named by content hash,
so the same picture uploaded by two shops is one set of files; only files no other
shop's image uses are removed, and only after the commit (a rolled-back deletion
must not lose photos). Functions flush, never commit.
"""

from __future__ import annotations

import logging
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from shop.extensions import db
from shop.lib.text import clean_line
from shop.media.names import preview_name, rendition_name
from shop.media.storage import get_storage
from shop.models import Image, Shop, ShopSlugRedirect, ShopTombstone, utcnow
from shop.shops.settings import ShopError
from shop.shops.slugs import SLUG_MAX, normalize_slug

log = logging.getLogger(__name__)


class WrongConfirmation(ShopError):
    """The name typed to confirm a deletion is not the shop's: nothing was deleted."""


def comparable_name(text: str | None) -> str:
    """A name as compared for the confirmation: phones capitalise the first letter and
    keyboards differ in how they write accents, so case, Unicode form and runs of
    spaces do not count."""
    return " ".join(unicodedata.normalize("NFKC", clean_line(text)).casefold().split())


def confirmation_matches(shop: Shop, typed: str | None) -> bool:
    return bool(typed) and comparable_name(typed) == comparable_name(shop.name)


def delete_shop(shop: Shop, typed_name: str | None) -> list[str]:
    """Delete `shop` and every row that belongs to it, leaving tombstones of its slugs.

    Raises WrongConfirmation (nothing deleted) unless `typed_name` is the shop's name.
    Returns the media file names that no other shop uses: remove them with
    `remove_files` once the deletion is committed.
    """
    if not confirmation_matches(shop, typed_name):
        raise WrongConfirmation(
            _("That is not this shop's name. Type %(name)s exactly to delete it.", name=shop.name)
        )
    shop_id = shop.id
    slugs = [shop.slug, *_old_slugs(shop_id)]
    domain = shop.custom_domain
    images = db.session.execute(
        select(Image.key, Image.widths).where(Image.shop_id == shop_id)
    ).all()
    # The shop points at its logo and the logo at the shop: cut that loop first.
    db.session.execute(
        update(Shop).where(Shop.id == shop_id).values(logo_id=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(delete(Shop).where(Shop.id == shop_id))
    now = utcnow()
    for slug in slugs:
        kept = domain if slug == slugs[0] else None
        db.session.merge(ShopTombstone(slug=slug, deleted_at=now, domain=kept))
    db.session.flush()
    keys = {key for key, _widths in images}
    shared = set(db.session.scalars(select(Image.key).where(Image.key.in_(keys)))) if keys else ()
    names: set[str] = set()
    for key, widths in images:
        if key not in shared:
            names.update(rendition_name(key, width) for width in widths or [])
            names.add(preview_name(key))
    return sorted(names)


def remove_files(names: list[str]) -> int:
    """Remove media files from storage; returns how many could not be removed (logged).

    A file left behind is unreachable (nothing links to it) and harmless; a deletion
    is never undone because storage was briefly away.
    """
    storage = get_storage()
    failed = 0
    for name in names:
        try:
            storage.delete(name)
        except OSError as error:
            failed += 1
            log.warning("Could not remove media file %s of a deleted shop: %s", name, error)
    return failed


def tombstone(slug: str) -> ShopTombstone | None:
    """The tombstone of a deleted shop's link, when `slug` (any spelling) was one."""
    wanted = normalize_slug(slug)
    if not wanted or len(wanted) > SLUG_MAX:
        return None
    return db.session.get(ShopTombstone, wanted)


def _old_slugs(shop_id: int) -> list[str]:
    return list(
        db.session.scalars(select(ShopSlugRedirect.slug).where(ShopSlugRedirect.shop_id == shop_id))
    )
