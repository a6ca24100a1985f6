"""Shipping method rules: what delivery or pickup costs, in the order shoppers see them.

Functions add and flush, never commit. Orders keep a snapshot of the method's name
and price, so editing or deleting a method never changes an order already placed.
"""

from __future__ import annotations

from sqlalchemy import func, select

from shop.extensions import db
from shop.lib.money import MAX_MINOR_UNITS
from shop.lib.text import clean_line
from shop.models import ShippingMethod, ShippingZone, Shop, ZoneKind
from shop.web.translating import gettext as _

MAX_NAME = 80
MAX_METHODS = 50


class ShippingError(ValueError):
    """A shipping change that breaks a rule; the message is for the merchant."""


def shipping_price(method: ShippingMethod | None, subtotal_minor: int, zone=None) -> int:
    """What the method costs for this subtotal: nothing once it reaches the free-from
    amount; in a delivery zone (shop.ordering.zones), the zone's fee and amounts."""
    if method is None:
        return 0
    if zone is not None:
        if zone.free_above_minor is not None and subtotal_minor >= zone.free_above_minor:
            return 0
        return zone.fee_minor
    free_above = method.free_above_minor
    if free_above is not None and subtotal_minor >= free_above:
        return 0
    return method.price_minor


def create_method(
    shop: Shop,
    *,
    name: str,
    price_minor: int,
    needs_address: bool,
    active: bool = True,
    free_above_minor: int | None = None,
) -> ShippingMethod:
    """Add a method at the end of the shop's list."""
    count, last = db.session.execute(
        select(func.count(), func.max(ShippingMethod.position)).where(
            ShippingMethod.shop_id == shop.id
        )
    ).one()
    if count >= MAX_METHODS:
        raise ShippingError(_("A shop can have at most %(max)d shipping methods.", max=MAX_METHODS))
    method = ShippingMethod(
        shop=shop,
        name=_checked_name(name),
        price_minor=_checked_price(price_minor),
        needs_address=bool(needs_address),
        active=bool(active),
        free_above_minor=_checked_free_above(free_above_minor),
        position=(last if last is not None else -1) + 1,
    )
    db.session.add(method)
    sync_everywhere(method)
    db.session.flush()
    return method


def update_method(
    method: ShippingMethod,
    *,
    name: str,
    price_minor: int,
    needs_address: bool,
    active: bool,
    free_above_minor: int | None = None,
) -> bool:
    """Change a method; True if anything changed."""
    values = {
        "name": _checked_name(name),
        "price_minor": _checked_price(price_minor),
        "needs_address": bool(needs_address),
        "active": bool(active),
        "free_above_minor": _checked_free_above(free_above_minor),
    }
    changed = False
    for field, value in values.items():
        if getattr(method, field) != value:
            setattr(method, field, value)
            changed = True
    if changed:
        sync_everywhere(method)
        db.session.flush()
    return changed


def sync_everywhere(method: ShippingMethod) -> None:
    """The method's own fee is its "everywhere" zone's (shop.ordering.zone_edits): a
    new method gets one, a changed fee moves it; a method that kept only its own zones
    (the merchant deleted "everywhere else") gets none back."""
    everywhere = next((z for z in method.zones if z.kind == ZoneKind.EVERYWHERE), None)
    if everywhere is None:
        if method.zones:
            return
        everywhere = ShippingZone(
            shop_id=method.shop.id, kind=ZoneKind.EVERYWHERE, name="", codes="", position=0
        )
        method.zones.append(everywhere)
    everywhere.fee_minor = method.price_minor
    everywhere.free_above_minor = method.free_above_minor


def set_active(method: ShippingMethod, active: bool) -> None:
    """Offer the method to shoppers, or stop offering it without losing it."""
    if method.active != active:
        method.active = active
        db.session.flush()


def delete_method(method: ShippingMethod) -> None:
    db.session.delete(method)
    db.session.flush()


def move_method(method: ShippingMethod, step: int) -> bool:
    """Move a method one place up (step -1) or down (+1); False at either end."""
    methods = list(
        db.session.scalars(
            select(ShippingMethod)
            .where(ShippingMethod.shop_id == method.shop_id)
            .order_by(ShippingMethod.position, ShippingMethod.id)
        )
    )
    index = methods.index(method)
    target = index + (1 if step > 0 else -1)
    if not 0 <= target < len(methods):
        return False
    methods[index], methods[target] = methods[target], methods[index]
    for position, each in enumerate(methods):
        each.position = position
    db.session.flush()
    return True


def _checked_name(name: str) -> str:
    name = clean_line(name)
    if not name:
        raise ShippingError(_("Give the method a name, e.g. Home delivery."))
    if len(name) > MAX_NAME:
        raise ShippingError(_("The name can have at most %(max)d characters.", max=MAX_NAME))
    return name


def _checked_price(price_minor: int) -> int:
    if price_minor < 0:
        raise ShippingError(_("The amount cannot be negative."))
    if price_minor > MAX_MINOR_UNITS:
        raise ShippingError(_("That amount is too large."))
    return price_minor


def _checked_free_above(amount: int | None) -> int | None:
    return None if amount is None else _checked_price(amount)
