"""Sharing the shop: its link to copy, a QR code to print, WhatsApp, the link card, downloads."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote, urlsplit

import segno
from flask import Response, abort, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.checklist import mark_link_shared
from shop.dashboard.orders import csv_response
from shop.extensions import db
from shop.lib import clock
from shop.lib.locales import money_locale
from shop.media.urls import image_url
from shop.models import Category, Item, ItemPhoto, OptionGroup, Shop
from shop.sharing.code_links import code_link, shareable_codes
from shop.sharing.link_cards import LinkCard, shop_card
from shop.sharing.tagged_links import tagged_links
from shop.shops.exports import catalog_header, catalog_rows, write_csv

QR_DEFAULT_SIZE = 1200  # pixels: about 10 cm at 300 dpi, crisp on a printed poster
QR_MIN_SIZE = 100
QR_MAX_SIZE = 4000
QR_BORDER = 4  # the quiet zone scanners need
PLACE_NAMES = {
    "instagram_bio": _l("For your Instagram bio"),
    "instagram_story": _l("For an Instagram story"),
    "whatsapp_status": _l("For a WhatsApp status"),
}


def shop_link(shop: Shop) -> str:
    return url_for("storefront.shop_page", slug=shop.slug, _external=True)


def whatsapp_share_url(shop: Shop, link: str) -> str:
    """A wa.me link that opens WhatsApp with the message ready to send to anyone.

    The message is in the shop's language, because it is for the shop's customers,
    not for the merchant reading the dashboard.
    """
    with force_locale(shop.language):
        message = _(
            "Take a look at %(shop)s and order on WhatsApp: %(link)s", shop=shop.name, link=link
        )
    return "https://wa.me/?text=" + quote(message, safe="")


def link_card(shop: Shop) -> LinkCard:
    """The card shoppers' chat apps will draw: the shop page's own Open Graph data,
    in the shop's language, so the preview cannot drift from the real thing."""
    with force_locale(shop.language):
        return shop_card(shop)


def chosen_code(shop: Shop):
    """The codes the share page offers and the one ``?discount=<id>`` picked (None when
    none was); another shop's or an expired code's id is a 404."""
    codes = shareable_codes(shop, clock.now())
    wanted = request.args.get("discount")
    if not wanted:
        return codes, None
    picked = next((code for code in codes if str(code.id) == wanted), None)
    if picked is None:
        abort(404)
    return codes, picked


def _linked(shop: Shop, code) -> str:
    """The link the QR code and the copy box carry: the shop's, with the code if any."""
    link = shop_link(shop)
    return code_link(link, code.shown_code) if code is not None else link


@bp.get("/share")
@shop_required
def share():
    shop = current_shop()
    link = shop_link(shop)
    card = link_card(shop)
    codes, picked = chosen_code(shop)
    return render_template(
        "dashboard/share/share.html",
        shop=shop,
        link=link,
        whatsapp_url=whatsapp_share_url(shop, link),
        card=card,
        domain=urlsplit(card.url).netloc,
        feed_url=url_for("storefront.catalog_feed", slug=shop.slug, _external=True),
        tagged_links=tagged_links(link),
        place_names=PLACE_NAMES,
        codes=codes,
        picked=picked,
        picked_link=_linked(shop, picked) if picked is not None else "",
    )


@bp.post("/share/shared")
@shop_required
def link_shared():
    """The share page was opened, or the shop link copied: the checklist's last step.

    A POST from the page's script, since a GET never changes anything (a prefetch, a
    crawler or a reload would tick it)."""
    if mark_link_shared(current_shop()):
        db.session.commit()
    return "", 204


def _qr(shop: Shop) -> tuple[segno.QRCode, int]:
    """The QR code of the shop link (with ?discount=<id>'s code) and the scale that makes
    it about ?size= pixels wide."""
    _codes, picked = chosen_code(shop)
    qr = segno.make(_linked(shop, picked), error="m", micro=False)
    size = request.args.get("size", QR_DEFAULT_SIZE, type=int)
    size = min(max(size, QR_MIN_SIZE), QR_MAX_SIZE)
    width, _height = qr.symbol_size(scale=1, border=QR_BORDER)
    return qr, max(1, size // width)


def _qr_response(shop: Shop, body: bytes, kind: str, mimetype: str) -> Response:
    disposition = "attachment" if request.args.get("download") else "inline"
    _codes, picked = chosen_code(shop)
    name = f"qr-{shop.slug}-{picked.code}" if picked is not None else f"qr-{shop.slug}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'{disposition}; filename="{name}.{kind}"'},
    )


@bp.get("/share/qr.png")
@shop_required
def share_qr_png():
    shop = current_shop()
    qr, scale = _qr(shop)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=QR_BORDER)
    return _qr_response(shop, buffer.getvalue(), "png", "image/png")


@bp.get("/share/qr.svg")
@shop_required
def share_qr_svg():
    shop = current_shop()
    qr, scale = _qr(shop)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=scale, border=QR_BORDER, title=shop.name)
    return _qr_response(shop, buffer.getvalue(), "svg", "image/svg+xml")


@bp.get("/catalog.csv")
@shop_required
def catalog_csv():
    """The merchant's own copy of the catalog, hidden items included."""
    shop = current_shop()
    items = db.session.scalars(
        select(Item)
        .outerjoin(Category, Item.category_id == Category.id)
        .where(Item.shop_id == shop.id)
        .order_by(Category.position.asc().nulls_last(), Category.id, Item.position, Item.id)
        .options(
            contains_eager(Item.category),
            selectinload(Item.photos).joinedload(ItemPhoto.image),
            selectinload(Item.option_groups).selectinload(OptionGroup.choices),
            selectinload(Item.variant_stock),
        )
    )

    def photo_url(image) -> str:
        return image_url(image, 1280, external=True)

    filename = f"catalog-{shop.slug}-{date.today().isoformat()}.csv"
    return csv_response(
        write_csv(
            catalog_header(), catalog_rows(shop, items, photo_url, money_locale(shop)), bom=True
        ),
        filename,
    )
