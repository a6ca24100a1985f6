"""The cart's discount preview: what a typed code (or the shop's automatic discount)
takes off this cart, asked by the cart script in a small uncached request. Before the
shopper picks a shipping method it prices the items alone, so the discount shows at once.

It is never part of a cached page, sets no cookie and records nothing; checkout decides
again. Guessing codes is limited per address and shop (shop.web.limits.code_guesses).
"""

from __future__ import annotations

from dataclasses import replace

from flask import jsonify, request

from shop import ordering
from shop.extensions import csrf
from shop.lib import clock
from shop.models import DiscountKind
from shop.ordering import OrderError, zones
from shop.ordering.coupons import choose
from shop.ordering.offers import offers
from shop.ordering.zones import Where
from shop.storefront.blueprint import bp
from shop.storefront.loading import shop_or_404
from shop.web import limits
from shop.web.caching import private
from shop.web.origins import same_site_request


@bp.post("/s/<slug>/discount")
@csrf.exempt
@limits.code_guesses
def discount_preview(slug: str):
    shop = shop_or_404(slug, redirect_old=False)
    data = request.get_json(silent=True)
    if not same_site_request() or not isinstance(data, dict):
        return private(jsonify(error="", field=None)), 400
    raw = data.get("lines")
    lines = [
        (line.get("item_id"), line.get("quantity"), line.get("choices"))
        for line in (raw if isinstance(raw, list) else [])
        if isinstance(line, dict)
    ]
    code = data.get("coupon")
    code = code[:100] if isinstance(code, str) else ""
    try:
        cart = ordering.price_cart(shop, lines, data.get("shipping_method_id"), shipping_later=True)
        cart = _in_zone(shop, cart, data)
        chosen = choose(shop, cart, code, clock.now())
    except OrderError as error:
        return private(jsonify(error=error.message, field=error.field)), 422
    # Before a shipping method is picked the items are priced alone (shipping_pending),
    # and a free-shipping code says so: the amount comes once a method is chosen.
    pending = cart.shipping_pending
    if chosen is None:
        return private(
            jsonify(
                label="", code="", discount_minor=0, total_minor=cart.total_minor,
                shipping_pending=pending, free_shipping=False,
            )
        )  # fmt: skip
    return private(
        jsonify(
            label=chosen.label,
            code=chosen.discount.shown_code,
            discount_minor=chosen.applied.total_minor,
            total_minor=cart.total_minor - chosen.applied.total_minor,
            shipping_pending=pending,
            free_shipping=chosen.discount.kind == DiscountKind.FREE_SHIPPING,
        )
    )


def _in_zone(shop, cart, data: dict):
    """The cart with its delivery zone's fee, as checkout prices it (shop.ordering.zones).
    Where the shopper is not known yet, or is out of reach, the items are priced alone
    (shipping_pending): the cart's zone note says why, and checkout decides."""
    if cart.shipping is None:
        return cart
    where = Where(
        zone_id=data.get("zone_id"),
        postal=data.get("postal_code") if isinstance(data.get("postal_code"), str) else "",
        lat=data.get("latitude"),
        lng=data.get("longitude"),
    )
    try:
        placed = zones.place(shop, cart.shipping, offers(shop).shipping, cart.subtotal_minor, where)
    except OrderError:
        return replace(cart, shipping=None, shipping_pending=True)
    return cart if placed is None else replace(cart, zone=placed.zone)
