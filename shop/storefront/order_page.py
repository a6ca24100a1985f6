"""The order page behind the link in the WhatsApp message: for whoever holds the token.

It is where a shopper lands when WhatsApp did not open (a desktop, an in-app
browser), so it repeats the "Open WhatsApp" button. Search engines must not list it,
no cache may keep it, and the token must not leak to other sites as a referrer.
"""

from __future__ import annotations

import secrets

import segno
from flask import Response, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from shop.lib.in_app import in_app_browser
from shop.lib.locales import regional_locale
from shop.lib.money import format_money
from shop.lib.phones import format_whatsapp
from shop.lib.pixels import shop_pixel_sources
from shop.ordering import order_by_token
from shop.ordering.payments import is_link
from shop.ordering.pix import order_pix, pix_key
from shop.ordering.repeats import repeat_of
from shop.ordering.statuses import is_final, order_label, status_changes
from shop.storefront.blueprint import bp
from shop.storefront.hosts import request_shop_host, shop_origin
from shop.storefront.unavailable import abort_if_suspended
from shop.web.caching import private
from shop.web.headers import allow_sources
from shop.web.locale import spoken_language, use_shop_language, use_shop_timezone
from shop.whatsapp import message as whatsapp


@bp.get("/o/<token>")
def order_page(token: str):
    order = order_by_token(token)
    if order is None:
        abort(404)
    shop = order.shop
    host = request_shop_host()
    if host is not None and host != shop.slug:
        # Another shop's host (or this shop's old one): the order lives on its own.
        return redirect(shop_origin(current_app, shop.slug) + request.full_path.rstrip("?"))
    abort_if_suspended(shop)  # its WhatsApp button would lead to the suspended merchant
    changes = status_changes(order)
    etag = follow_etag(order, changes)
    if request.if_none_match.contains_weak(etag):
        # The page's own check for news (order-follow.js): nothing moved, nothing to send.
        unchanged = private(Response(status=304))
        unchanged.set_etag(etag, weak=True)
        unchanged.headers["X-Robots-Tag"] = "noindex, nofollow"
        unchanged.headers["Referrer-Policy"] = "no-referrer"
        return unchanged
    use_shop_language(order)  # the language the order was placed in
    use_shop_timezone(shop)
    allow_sources(shop_pixel_sources(shop))
    order_url = url_for("storefront.order_page", token=order.token, lang=None, _external=True)
    # The shopper may read the page in another language; the message stays the order's.
    spoken = spoken_language()
    locale = regional_locale(spoken, shop.whatsapp) if spoken == order.language else spoken

    def amount(minor: int) -> str:
        return format_money(minor, order.currency, order.currency_exponent, locale)

    pix = order_pix(order, shop)
    response = private(
        render_template(
            "storefront/order.html",
            shop=shop,
            order=order,
            amount=amount,
            status=order_label(order),
            whatsapp_url=whatsapp.order_link(order, shop, order_url),
            payment_link=is_link(order.payment_kind, order.payment_details),
            pix=pix,
            pix_qr=pix_qr(pix) if pix else None,
            pix_key=pix_key(order),
            # Sent again (Back, a second tap): say so, so nobody thinks it was lost.
            repeated=request.args.get("repeated") == "1",
            # The explicit "order again" is a new order: a key of its own, fresh per view.
            again_key=secrets.token_urlsafe(24),
            again=repeat_of(shop, order),  # today's shipping method of the same name
            # Where wa.me may not reach WhatsApp (an app's own browser), and for anyone:
            # the exact message to copy and the number to send it to.
            message=whatsapp.order_message(order, shop, order_url),
            number=format_whatsapp(shop.whatsapp),
            in_app=in_app_browser(request.headers.get("User-Agent")),
            changes=changes,
            label=lambda status: order_label(order, status),
            etag=f'W/"{etag}"',  # as the page sends it back in If-None-Match
            final=is_final(order),
        )
    )
    response.set_etag(etag, weak=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def pix_qr(payload: str) -> Markup:
    """The Pix code as an inline SVG QR: no request of its own, nothing cached apart from
    the page. Level M, as bank apps read it from a screen across a counter."""
    qr = segno.make(payload, error="m", micro=False, boost_error=False)
    svg = qr.svg_inline(scale=5, border=4, dark="#000", light="#fff", svgclass="pix-qr")
    return Markup(svg)  # noqa: S704 - segno writes only paths of the modules, no text


def follow_etag(order, changes) -> str:
    """What the timeline shows: the status, how many moves it took to get there, and
    whether the order was paid."""
    paid = "-paid" if order.paid_at else ""
    return f"o{order.id}-{order.status.value}-{len(changes)}{paid}"
