"""The link card a shared shop or product link shows in WhatsApp, Instagram and Facebook.

Open Graph and Twitter tags want absolute URLs and an image of 1200x630; the text is
short because chat apps cut it after a line or two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from flask import request, url_for

from shop.lib.locales import money
from shop.lib.money import format_plain
from shop.media.names import PREVIEW_SIZE
from shop.media.previews import shop_preview_url
from shop.media.urls import preview_url
from shop.web.translating import gettext as _

DESCRIPTION_LENGTH = 200
_SPACES = re.compile(r"[^\S\xa0\u202f]+")


@dataclass(frozen=True)
class LinkCard:
    title: str
    description: str
    url: str
    image: str | None
    type: str = "website"
    price: str | None = None  # for product:price:amount, e.g. "12.50"
    currency: str | None = None
    width: int = PREVIEW_SIZE[0]
    height: int = PREVIEW_SIZE[1]


def shop_card(shop) -> LinkCard:
    description = shorten(shop.description) or _(
        "See the catalog and order on WhatsApp from %(shop)s.", shop=shop.name
    )
    return LinkCard(
        title=shop.name,
        description=description,
        url=url_for("storefront.shop_page", slug=shop.slug, _external=True),
        image=shop_image(shop),
    )


def product_card(shop, item) -> LinkCard:
    """Prices go in the text: link cards have no price field most apps show."""
    price = money(item.price_minor, shop)
    text = shorten(item.description)
    if text:
        description = _("%(price)s · %(description)s", price=price, description=text)
    else:
        description = _("%(price)s · Order on WhatsApp from %(shop)s", price=price, shop=shop.name)
    amount, currency = format_plain(item.price_minor, shop.currency, shop.currency_exponent).split(
        " "
    )
    image = preview_url(item.cover, external=True) if item.cover is not None else shop_image(shop)
    return LinkCard(
        title=f"{item.name} · {shop.name}",
        description=shorten(description),
        url=url_for("storefront.product_page", slug=shop.slug, item_id=item.id, _external=True),
        image=image,
        type="product",
        price=amount,
        currency=currency,
    )


def shop_image(shop) -> str:
    """The shop's preview JPEG: its logo on a background, or its name on a colour."""
    return shop_preview_url(shop, external=True)


def absolute(url: str) -> str:
    """Media URLs may be paths on this site or full URLs of an object store."""
    return urljoin(request.host_url, url)


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """One line of at most `limit` characters; no-break spaces (in prices) are kept."""
    text = _SPACES.sub(" ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
