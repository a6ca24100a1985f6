"""The merchant's delivery zones and the shop's location: the rules every save keeps.

A method's "everywhere" zone is its own fee: saving one saves the other, so the method
list, the cart's first estimate and the zone always agree. A method with distance bands
also needs a zone a shopper can reach without sharing their location (a list, postal
codes or everywhere): in-app browsers often block geolocation. Functions add and flush,
never commit; a ZoneError leaves the caller to roll back.
"""

from __future__ import annotations

from flask_babel import gettext as _

from shop.extensions import db
from shop.lib.money import MAX_MINOR_UNITS
from shop.lib.text import clean_line
from shop.models import ShippingMethod, ShippingZone, Shop, ZoneKind
from shop.ordering.zones import coordinate, parse_codes

MAX_ZONES = 50
MAX_CODES = 300
MAX_NAME = 80
MAX_DISTANCE_M = 500_000  # 500 km: beyond it, a courier is not what delivers


class ZoneError(ValueError):
    """A zone or location change that breaks a rule; the message is for the merchant."""


def save_zone(
    method: ShippingMethod,
    zone: ShippingZone | None,
    *,
    kind: ZoneKind,
    name: str = "",
    codes: str = "",
    max_m: int | None = None,
    fee_minor: int = 0,
    min_order_minor: int | None = None,
    free_above_minor: int | None = None,
) -> ShippingZone:
    """Add a zone to the method (zone None) or change one of its zones."""
    kind = ZoneKind(kind)
    name = clean_line(name)
    if len(name) > MAX_NAME:
        raise ZoneError(_("The name can have at most %(max)d characters.", max=MAX_NAME))
    if kind == ZoneKind.LIST and not name:
        raise ZoneError(_("Give the zone the name shoppers pick, e.g. Centro."))
    parsed = parse_codes(codes) if kind == ZoneKind.POSTAL else []
    if kind == ZoneKind.POSTAL and not parsed:
        raise ZoneError(
            _("Write the postal codes, e.g. 28001, 28002 or 280* for all that start so.")
        )
    if len(parsed) > MAX_CODES:
        raise ZoneError(_("A zone can have at most %(max)d postal codes.", max=MAX_CODES))
    if kind == ZoneKind.DISTANCE:
        if max_m is None or not 0 < max_m <= MAX_DISTANCE_M:
            raise ZoneError(_("Write the distance in km, from 0.1 to 500."))
        if method.shop.latitude is None:
            raise ZoneError(_("Set the shop's location first: distances are measured from it."))
    others = [each for each in method.zones if each is not zone]
    if zone is None and len(others) >= MAX_ZONES:
        raise ZoneError(_("A method can have at most %(max)d zones.", max=MAX_ZONES))
    if kind == ZoneKind.EVERYWHERE and any(z.kind == ZoneKind.EVERYWHERE for z in others):
        raise ZoneError(_("This method already has a zone for everywhere else."))
    if zone is None:
        zone = ShippingZone(shop_id=method.shop_id, position=_next_position(others))
        method.zones.append(zone)
    zone.kind = kind
    zone.name = name
    zone.codes = ", ".join(parsed)
    zone.max_m = max_m if kind == ZoneKind.DISTANCE else None
    zone.fee_minor = _amount(fee_minor)
    zone.min_order_minor = None if not min_order_minor else _amount(min_order_minor)
    zone.free_above_minor = None if free_above_minor is None else _amount(free_above_minor)
    if kind == ZoneKind.EVERYWHERE:
        method.price_minor = zone.fee_minor
        method.free_above_minor = zone.free_above_minor
    check_reachable(method)
    db.session.flush()
    return zone


def delete_zone(zone: ShippingZone) -> None:
    method = zone.method
    method.zones.remove(zone)
    check_reachable(method)
    db.session.flush()


def check_reachable(method: ShippingMethod) -> None:
    """Distance bands need another way in: geolocation is often refused or blocked."""
    kinds = {zone.kind for zone in method.zones}
    if ZoneKind.DISTANCE in kinds and not kinds - {ZoneKind.DISTANCE}:
        raise ZoneError(
            _(
                "Add a zone by list, by postal code or for everywhere else too: shoppers "
                "who cannot share their location choose it instead."
            )
        )


def set_location(shop: Shop, latitude: object, longitude: object) -> None:
    """The shop's location, or none (both blank); refused while distance bands use it."""
    if latitude in (None, "") and longitude in (None, ""):
        in_use = db.session.scalar(
            db.select(ShippingZone.id).where(
                ShippingZone.shop_id == shop.id, ShippingZone.kind == ZoneKind.DISTANCE
            )
        )
        if in_use is not None:
            raise ZoneError(_("Distance zones measure from this location: delete them first."))
        shop.latitude = shop.longitude = None
    else:
        lat, lng = coordinate(latitude, 90), coordinate(longitude, 180)
        if lat is None or lng is None:
            raise ZoneError(
                _("Write the latitude (from -90 to 90) and the longitude (from -180 to 180).")
            )
        shop.latitude, shop.longitude = round(lat, 6), round(lng, 6)
    db.session.flush()


def _amount(minor: int) -> int:
    if minor < 0:
        raise ZoneError(_("The amount cannot be negative."))
    if minor > MAX_MINOR_UNITS:
        raise ZoneError(_("That amount is too large."))
    return minor


def _next_position(zones) -> int:
    return max((zone.position for zone in zones), default=-1) + 1
