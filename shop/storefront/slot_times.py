"""The pickup or delivery times a method offers now, for the cart's script: a small
uncached, cookie-free JSON answer (times pass and places fill, so the cached cart page
cannot carry them); checkout checks the picked time again (shop.ordering.slots)."""

from __future__ import annotations

from itertools import groupby

from flask import abort, jsonify
from flask_babel import format_date, format_time
from sqlalchemy import select

from shop.extensions import db
from shop.lib import clock
from shop.lib.hours import shop_zone, zone_info
from shop.models import ShippingMethod, SlotBooking
from shop.ordering import slots
from shop.storefront.blueprint import bp
from shop.storefront.loading import shop_or_404
from shop.web import limits
from shop.web.caching import private


@bp.get("/s/<slug>/times/<int(max=2147483647):method_id>")
@limits.slot_times
def slot_times(slug: str, method_id: int):
    shop = shop_or_404(slug, redirect_old=False)
    method = db.session.scalar(
        select(ShippingMethod).where(
            ShippingMethod.id == method_id,
            ShippingMethod.shop_id == shop.id,
            ShippingMethod.active.is_(True),
        )
    )
    if method is None:
        abort(404)
    return private(jsonify(days=offered(shop, method) if method.slots_on else []))


def offered(shop, method) -> list[dict]:
    """The method's free slots grouped by the shop's local day, labelled in the page's
    language: [{"day": "jueves, 3 dic", "slots": [{"key": ..., "label": "09:00-09:30"}]}]."""
    now = clock.now()
    taken = {}
    if method.slot_capacity:
        taken = dict(
            db.session.execute(
                select(SlotBooking.starts_at, SlotBooking.taken).where(
                    SlotBooking.method_id == method.id,
                    SlotBooking.starts_at >= now.replace(tzinfo=None),
                )
            ).all()
        )
    zone = shop_zone(shop)
    tz = zone_info(zone)
    found = slots.slots(method, shop.opening_hours, zone, now, taken)
    days = []
    for day, group in groupby(found, key=lambda slot: slot.starts.astimezone(tz).date()):
        days.append(
            {
                "day": format_date(day, "EEEE d MMM"),
                "slots": [
                    {
                        "key": slot.key,
                        "label": format_time(slot.starts.astimezone(tz), "HH:mm", rebase=False)
                        + "\u2013"
                        + format_time(slot.ends.astimezone(tz), "HH:mm", rebase=False),
                    }
                    for slot in group
                ],
            }
        )
    return days


@bp.app_template_global()
def order_slot(order, shop) -> str:
    """The order's pickup or delivery time on the shop's clock; "" when none."""
    if getattr(order, "slot_at", None) is None:
        return ""
    return slots.slot_text(order.slot_at, order.slot_ends_at, shop_zone(shop))


@bp.app_template_global()
def method_times(method, shop) -> list[dict]:
    """The one-product form's times (a private page, rendered for this shopper now)."""
    if not getattr(method, "slots_on", False):
        return []
    return offered(shop, method)
