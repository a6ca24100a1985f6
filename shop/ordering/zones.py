"""Delivery zones at checkout: which zone of the chosen method the shopper is in, and
what delivery there costs.

The shopper says where they are in one of three ways: a zone picked from a list, a
postal code, or their location (the browser's geolocation). The browser's coordinates
are only a hint of where to deliver: they are checked (numbers, finite, on Earth), the
distance is computed here from the shop's own location, and the fee is the zone's,
never anything the browser says. A location is kept only on the order; it is never
logged (no message here names it). No HTTP.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from types import SimpleNamespace

from haversine import Unit, haversine

from shop.lib.locales import shop_locale
from shop.lib.money import format_money
from shop.lib.text import whole_number
from shop.models import ZoneKind
from shop.ordering.cart import OrderError
from shop.web.translating import gettext as _

MAX_POSTAL = 12
_POSTAL_JUNK = re.compile(r"[\s\-.]")
_POSTAL = re.compile(r"[0-9A-Z]{1,12}")
_CODE_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class Where:
    """Where the shopper says they are, as sent (checked by `find`)."""

    zone_id: object = None  # a list zone they picked
    postal: object = ""  # a postal code as typed
    lat: object = None  # the browser's geolocation, if shared
    lng: object = None

    @property
    def given(self) -> bool:
        return bool(self.zone_id not in (None, "") or self.postal or self.lat not in (None, ""))


@dataclass(frozen=True)
class Placed:
    """The zone an order is priced for, and the shopper's checked location if shared."""

    zone: SimpleNamespace
    point: tuple[float, float] | None = None


def check_point(lat: object, lng: object) -> tuple[float, float] | None:
    """The shared location as (latitude, longitude); None when none was shared.

    Anything else than two finite numbers on Earth is refused: the shopper is asked for
    their area or postal code instead."""
    if lat in (None, "") and lng in (None, ""):
        return None
    point = (coordinate(lat, 90), coordinate(lng, 180))
    if None in point:
        raise OrderError(
            _("Your location could not be read. Pick your area or type your postal code."),
            field="zone",
        )
    return point  # type: ignore[return-value]


def coordinate(value: object, limit: float) -> float | None:
    """A latitude (limit 90) or longitude (180) as a finite number in range; else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str) and len(value) > 32:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number) or not -limit <= number <= limit:
        return None
    return number


def normal_postal(text: object) -> str:
    """A postal code as compared: upper case, without spaces, dashes or dots ("" if not one)."""
    if not isinstance(text, str):
        return ""
    code = _POSTAL_JUNK.sub("", text).upper()[: MAX_POSTAL + 1]
    return code if _POSTAL.fullmatch(code) else ""


def parse_codes(text: str) -> list[str]:
    """The merchant's "28001, 28002, 280*": exact codes and prefixes (ending in *)."""
    codes = []
    for raw in _CODE_SPLIT.split(text or ""):
        prefix = raw.endswith("*")
        code = normal_postal(raw[:-1] if prefix else raw)
        if code:
            codes.append(code + ("*" if prefix else ""))
    return codes


def postal_match(codes: str, postal: str) -> int:
    """How well a zone's codes take a postal code: 0 not at all; an exact code beats
    any prefix, and a longer prefix beats a shorter one."""
    best = 0
    for code in parse_codes(codes):
        if code.endswith("*"):
            if postal.startswith(code[:-1]):
                best = max(best, len(code))
        elif code == postal:
            return MAX_POSTAL + 10
    return best


def distance_m(origin: tuple[float, float], point: tuple[float, float]) -> float:
    """The straight-line distance in metres (haversine: the Earth as a sphere)."""
    return haversine(origin, point, unit=Unit.METERS)


def shop_origin(shop) -> tuple[float, float] | None:
    if shop.latitude is None or shop.longitude is None:
        return None
    return (shop.latitude, shop.longitude)


def find_zone(zones, where: Where, point, origin) -> SimpleNamespace | None:
    """The zone that takes the shopper: the one they picked, else their postal code's
    best match, else the nearest distance band that reaches them, else "everywhere"."""
    picked = whole_number(where.zone_id) if where.zone_id not in (None, "") else None
    if picked is not None:
        for zone in zones:
            if zone.id == picked and zone.kind == ZoneKind.LIST:
                return zone
    postal = normal_postal(where.postal)
    if postal:
        scored = [(postal_match(zone.codes, postal), zone) for zone in zones]
        scored = [pair for pair in scored if pair[0] and pair[1].kind == ZoneKind.POSTAL]
        if scored:
            return max(scored, key=lambda pair: pair[0])[1]
    if point is not None and origin is not None:
        away = distance_m(origin, point)
        bands = sorted(
            (zone for zone in zones if zone.kind == ZoneKind.DISTANCE), key=lambda z: z.max_m
        )
        for zone in bands:
            if away <= zone.max_m:
                return zone
    return next((zone for zone in zones if zone.kind == ZoneKind.EVERYWHERE), None)


def place(shop, method, methods, subtotal_minor: int, where: Where) -> Placed | None:
    """The zone of `method` the shopper is in (None: the method has no zones, its own
    fee), or an OrderError on the "zone" field saying what to do: where they are is
    missing, outside every zone (naming the methods that do reach them), or below the
    zone's minimum order."""
    zones = getattr(method, "zones", ()) if method is not None else ()
    if not zones:
        return None
    point = check_point(where.lat, where.lng)
    origin = shop_origin(shop)
    zone = find_zone(zones, where, point, origin)
    if zone is None:
        if not where.given:
            raise OrderError(_ask_where(zones), field="zone")
        raise OrderError(_outside(shop, method, methods, where, point, origin), field="zone")
    if zone.min_order_minor and subtotal_minor < zone.min_order_minor:
        raise OrderError(
            _(
                "Delivery (%(zone)s) needs an order of at least %(amount)s.",
                zone=zone_label(zone),
                amount=_money(shop, zone.min_order_minor),
            ),
            field="zone",
        )
    return Placed(zone=zone, point=point)


def zone_fee(zone, subtotal_minor: int) -> int:
    """The zone's fee for this subtotal: nothing once it reaches the free-above amount."""
    if zone.free_above_minor is not None and subtotal_minor >= zone.free_above_minor:
        return 0
    return zone.fee_minor


def zone_label(zone) -> str:
    """The zone as the shopper and the merchant read it."""
    if zone.name:
        return zone.name
    if zone.kind == ZoneKind.DISTANCE:
        return _("up to %(km)s km", km=format_km(zone.max_m))
    if zone.kind == ZoneKind.POSTAL:
        return ", ".join(parse_codes(zone.codes))
    return ""


def format_km(metres: int) -> str:
    return f"{metres / 1000:g}"


def order_fields(placed: Placed | None) -> dict:
    """What the order keeps of the zone: its name and the shared location."""
    if placed is None:
        return {}
    point = placed.point
    return {
        "zone_name": zone_label(placed.zone)[:80],
        "customer_lat": point[0] if point else None,
        "customer_lng": point[1] if point else None,
    }


def _ask_where(zones) -> str:
    kinds = {zone.kind for zone in zones}
    if ZoneKind.LIST in kinds:
        return _("Choose your area for this delivery option.")
    if ZoneKind.POSTAL in kinds:
        return _("Type your postal code for this delivery option.")
    return _("Share your location for this delivery option, or choose another one.")


def _outside(shop, method, methods, where, point, origin) -> str:
    """ "Not delivered there", with the other methods that do reach the shopper."""
    working = [
        other.name
        for other in methods
        if other.id != method.id
        and (not other.zones or find_zone(other.zones, where, point, origin) is not None)
    ]
    if working:
        return _(
            "%(method)s does not reach you. You can choose: %(others)s.",
            method=method.name,
            others=", ".join(working),
        )
    return _("%(method)s does not reach you, sorry.", method=method.name)


def _money(shop, minor: int) -> str:
    return format_money(minor, shop.currency, shop.currency_exponent, shop_locale(shop))
