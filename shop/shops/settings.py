"""Shop rules: creating a shop, changing its settings and link, and finding it by link.

Functions add and flush, never commit: the request (or the seed command) commits once.
Links are forever: a slug a shop leaves behind becomes a ShopSlugRedirect row and
keeps answering with a permanent redirect.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from typing import IO

from babel.core import Locale
from babel.numbers import get_territory_currencies
from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, or_, select, update
from sqlalchemy.orm import joinedload

from shop.extensions import db

# slug_available and suggest_slug are shop rules too: callers may import them from here.
from shop.lib import hours
from shop.lib.locales import LANGUAGES
from shop.lib.money import is_known_currency, iso_exponent
from shop.lib.pixels import clean_ga4_id, clean_meta_pixel_id
from shop.lib.text import clean_line, clean_text
from shop.media.pipeline import ingest
from shop.models import (
    ClosedPolicy,
    Image,
    Item,
    ItemPhoto,
    OptionChoice,
    OptionGroup,
    PhonePolicy,
    ShippingMethod,
    Shop,
    ShopSlugRedirect,
    User,
    utcnow,
)
from shop.shops.slugs import (
    SLUG_MAX,
    SLUG_PATTERN,
    SlugError,
    check_slug,
    normalize_slug,
    slug_available,
    suggest_slug,
    taken_message,
)

MAX_NAME = 120
MAX_DESCRIPTION = 300
MAX_PAUSE_MESSAGE = 300
MAX_SHOPS_PER_OWNER = 10
# Each old slug answers forever; a cap keeps one merchant from hoarding names.
MAX_OLD_SLUGS = 20
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class ShopError(ValueError):
    """A shop change that breaks a rule; the message is for the merchant."""


# -- Finding a shop by its link ---------------------------------------------------


# Built once: every public request asks it, and a statement made per call costs its
# cache key each time.
_SHOP_BY_SLUG_ALONE = (
    select(Shop)
    .where(
        or_(
            Shop.slug == bindparam("slug"),
            Shop.id
            == select(ShopSlugRedirect.shop_id)
            .where(ShopSlugRedirect.slug == bindparam("slug"))
            .scalar_subquery(),
        )
    )
    .limit(2)
)
_SHOP_BY_SLUG = _SHOP_BY_SLUG_ALONE.options(joinedload(Shop.logo))


def resolve_slug(slug: str, *, logo: bool = True) -> tuple[Shop | None, bool]:
    """The shop a ``/s/<slug>`` link means, and whether to redirect to its current slug.

    ``(shop, False)`` for the current slug, ``(shop, True)`` for an old slug (or a
    different spelling, e.g. upper case, of a slug), ``(None, False)`` otherwise.
    One query, with the logo loaded, since the public page has a tight budget; without
    it (`logo=False`) for a request that draws no page, such as a checkout, where the
    join was work on every order. Asked for anyway, it loads then.
    """
    wanted = normalize_slug(slug)
    if not wanted or len(wanted) > SLUG_MAX or not SLUG_PATTERN.fullmatch(wanted):
        return None, False
    statement = _SHOP_BY_SLUG if logo else _SHOP_BY_SLUG_ALONE
    shops = db.session.scalars(statement, {"slug": wanted}).all()
    if not shops:
        return None, False
    # Rules keep current and old slugs disjoint; prefer the current one if they ever meet.
    shop = next((s for s in shops if s.slug == wanted), shops[0])
    return shop, shop.slug != slug


# -- Creating and changing a shop -------------------------------------------------


def create_shop(
    owner: User,
    *,
    name: str,
    whatsapp: str,
    currency: str,
    language: str,
    description: str = "",
    slug: str | None = None,
    allow_reserved: bool = False,
) -> Shop:
    """Add a shop for `owner`; the slug is made from the name when none is given.

    `allow_reserved` is for the seed command only (the demo shop's `demo`).
    """
    if len(owner.shops) >= MAX_SHOPS_PER_OWNER:
        raise ShopError(_("You can have at most %(max)d shops.", max=MAX_SHOPS_PER_OWNER))
    name = _checked_name(name)
    wanted = normalize_slug(slug or "") or suggest_slug(name)
    if not wanted:
        raise SlugError(_("Your shop's name has no letters a link can use. Type a link."))
    check_slug(wanted, allow_reserved=allow_reserved)
    if not slug_available(wanted):
        raise SlugError(taken_message(wanted, name))
    shop = Shop(
        owner=owner,
        slug=wanted,
        name=name,
        description=_checked_text(description, MAX_DESCRIPTION),
        whatsapp=_checked_whatsapp(whatsapp),
        currency=_checked_currency(currency),
        currency_exponent=iso_exponent(currency),
        language=_checked_language(language),
    )
    db.session.add(shop)
    db.session.flush()
    return shop


def update_shop(
    shop: Shop,
    *,
    name: str | None = None,
    description: str | None = None,
    whatsapp: str | None = None,
    currency: str | None = None,
    language: str | None = None,
    paused: bool | None = None,
    pause_message: str | None = None,
) -> bool:
    """Change the given settings (None leaves one as it is); True if anything changed."""
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = _checked_name(name)
    if description is not None:
        changes["description"] = _checked_text(description, MAX_DESCRIPTION)
    if whatsapp is not None:
        changes["whatsapp"] = _checked_whatsapp(whatsapp)
    if language is not None:
        changes["language"] = _checked_language(language)
    if paused is not None:
        changes["paused"] = bool(paused)
    if pause_message is not None:
        changes["pause_message"] = _checked_text(pause_message, MAX_PAUSE_MESSAGE)
    changed = False
    if currency is not None and currency != shop.currency:
        change_currency(shop, _checked_currency(currency))
        changed = True
    return apply_settings(shop, changes, changed=changed)


def update_rules(
    shop: Shop,
    *,
    min_order_minor: int,
    time_zone: str,
    opening_hours: dict | None,
    closed_policy: str,
    greeting_text: str,
    closing_text: str,
    ask_phone: str | None = None,
    update_texts: dict[str, str] | None = None,
) -> bool:
    """Save the shop's ordering rules (already checked by the form); True if any changed.
    `ask_phone` (a PhonePolicy value) is left as it is when None; so are the
    `update_texts` (kind -> the merchant's line; {} = every default line).

    The shop and cart pages show the minimum and the hours: a change bumps
    catalog_version so cached pages and ETags renew.
    """
    values = {
        "min_order_minor": max(0, min_order_minor),
        "time_zone": time_zone if time_zone in hours.valid_zones() else "",
        "opening_hours": opening_hours or None,
        "closed_policy": ClosedPolicy(closed_policy),
        "greeting_text": greeting_text,
        "closing_text": closing_text,
    }
    if ask_phone is not None:
        values["ask_phone"] = PhonePolicy(ask_phone)
    if update_texts is not None:
        values["update_texts"] = dict(update_texts) or None
    return apply_settings(shop, values)


def set_pixels(shop: Shop, *, meta_pixel_id: str | None, ga4_measurement_id: str | None) -> bool:
    """Turn the shop's ads pixels on or off (None or "" = off); True if either changed.
    Each id is checked by its shape (shop.lib.pixels); a wrong one raises PixelError."""
    values = {
        "meta_pixel_id": clean_meta_pixel_id(meta_pixel_id),
        "ga4_measurement_id": clean_ga4_id(ga4_measurement_id),
    }
    return apply_settings(shop, values)


def apply_settings(shop: Shop, values: dict[str, object], *, changed: bool = False) -> bool:
    """Set the shop's fields that differ; True if any did (or `changed` says so). The
    catalog version moves by itself when a public one changes."""
    for field, value in values.items():
        if getattr(shop, field) != value:
            setattr(shop, field, value)
            changed = True
    if changed:
        db.session.flush()
    return changed


def change_slug(shop: Shop, new_slug: str) -> bool:
    """Give the shop a new link; the old one becomes a permanent redirect.

    Going back to one of the shop's own old slugs removes that redirect. True if
    the slug changed.
    """
    wanted = normalize_slug(new_slug)
    if wanted == shop.slug:
        return False
    check_slug(wanted, allow_reserved=True)  # text first: nothing odd reaches the database
    old = db.session.get(ShopSlugRedirect, wanted)
    if old is not None and old.shop_id != shop.id:
        raise SlugError(taken_message(wanted, shop.name, shop))
    if old is None:
        check_slug(wanted)
        if not slug_available(wanted, shop):
            raise SlugError(taken_message(wanted, shop.name, shop))
        old_count = db.session.scalar(
            select(func.count())
            .select_from(ShopSlugRedirect)
            .where(ShopSlugRedirect.shop_id == shop.id)
        )
        if old_count >= MAX_OLD_SLUGS:
            raise SlugError(_("This shop's link has changed too many times. Keep the current one."))
    else:
        db.session.delete(old)
    if db.session.get(ShopSlugRedirect, shop.slug) is None:
        db.session.add(ShopSlugRedirect(slug=shop.slug, shop_id=shop.id))
    shop.slug = wanted
    db.session.flush()
    return True


def change_currency(shop: Shop, currency: str) -> None:
    """Switch currency keeping the numbers merchants see: 20,00 € becomes $20 in CLP.

    Amounts are minor units, so a currency with another exponent needs every amount
    of the shop rescaled (rounded half away from zero when decimals are dropped), and
    the new exponent stored with it. Orders keep their own currency and exponent.
    """
    exponent = iso_exponent(currency)
    shift = exponent - shop.currency_exponent
    shop.currency = currency
    shop.currency_exponent = exponent
    if shift == 0:
        return
    factor = 10 ** abs(shift)
    half = factor // 2

    def rescale(column):
        if shift > 0:
            return column * factor
        # Both divisions are of positive numbers, so floor and truncation agree on
        # every database: half away from zero.
        return case((column >= 0, (column + half) // factor), else_=-((half - column) // factor))

    in_shop = {
        Shop: Shop.id == shop.id,
        Item: Item.shop_id == shop.id,
        ShippingMethod: ShippingMethod.shop_id == shop.id,
        OptionChoice: OptionChoice.group_id.in_(
            select(OptionGroup.id).join(Item).where(Item.shop_id == shop.id)
        ),
    }
    for model, columns in (
        (Shop, ("min_order_minor",)),
        (Item, ("price_minor", "compare_at_minor")),
        (ShippingMethod, ("price_minor", "free_above_minor")),
        (OptionChoice, ("price_delta_minor",)),
    ):
        values = {name: rescale(getattr(model, name)) for name in columns}
        db.session.execute(
            update(model).where(in_shop[model]).values(**values),
            execution_options={"synchronize_session": "fetch"},
        )


def set_logo(shop: Shop, stream: IO[bytes]) -> Image:
    """Process an uploaded logo and put it on the shop (raises ImageRejected)."""
    image = ingest(shop, stream)
    previous = shop.logo
    shop.logo = image
    if previous is not None and previous.id != image.id:
        _drop_if_unused(previous)
    db.session.flush()
    return image


def remove_logo(shop: Shop) -> bool:
    previous = shop.logo
    if previous is None:
        return False
    shop.logo = None
    _drop_if_unused(previous)
    db.session.flush()
    return True


def _drop_if_unused(image: Image) -> None:
    """Forget an old logo's row unless a product photo uses the same image."""
    db.session.flush()
    used = db.session.scalar(select(ItemPhoto.id).where(ItemPhoto.image_id == image.id).limit(1))
    if used is None:
        db.session.delete(image)


def recent_twin(owner: User, name: str, slug: str, within: int = 600) -> Shop | None:
    """A shop this owner just created with the same name and slug: a double-submitted form."""
    since = utcnow() - timedelta(seconds=within)
    name = clean_line(name)
    return next(
        (s for s in owner.shops if s.slug == slug and s.name == name and s.created_at >= since),
        None,
    )


# -- Values ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes some country uses today (no historic ones like ESP), each with
    its minor units in the ISO table."""
    return frozenset(
        code
        for territory in Locale.parse("en").territories
        for code in get_territory_currencies(territory)
        if is_known_currency(code)
    )


def _checked_name(name: str) -> str:
    name = clean_line(name)
    if not name:
        raise ShopError(_("Give your shop a name."))
    if len(name) > MAX_NAME:
        raise ShopError(_("The name can have at most %(max)d characters.", max=MAX_NAME))
    return name


def _checked_text(text: str, limit: int) -> str:
    text = clean_text(text)
    if len(text) > limit:
        raise ShopError(_("This text can have at most %(max)d characters.", max=limit))
    return text


def _checked_whatsapp(number: str) -> str:
    if not _E164.fullmatch(number or ""):
        raise ShopError(_("The WhatsApp number must be in international format."))
    return number


def _checked_currency(code: str) -> str:
    if code not in currency_codes():
        raise ShopError(_("Choose a currency from the list."))
    return code


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ShopError(_("Choose a language from the list."))
    return language
