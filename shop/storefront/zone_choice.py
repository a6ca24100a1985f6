"""What the checkout form shows of a method's delivery zones, and what its script
estimates with: the same for every shopper, so the cart page stays one cached page.
Where the shopper is never reaches this page; checkout prices it (shop.ordering.zones)."""

from __future__ import annotations

from shop.models import ZoneKind
from shop.ordering.zones import parse_codes, zone_label
from shop.storefront.blueprint import bp


@bp.app_template_global()
def zone_choice(method, shop) -> dict | None:
    """The method's ways in (a list, a postal code, a location) and its zones for the
    script; None when the method costs one fee everywhere (nothing to ask)."""
    zones = list(getattr(method, "zones", None) or ())
    kinds = {ZoneKind(zone.kind) for zone in zones}
    if not kinds - {ZoneKind.EVERYWHERE}:
        return None
    origin = None
    if ZoneKind.DISTANCE in kinds and shop.latitude is not None:
        origin = [shop.latitude, shop.longitude]
    return {
        "list": [zone for zone in zones if zone.kind == ZoneKind.LIST],
        "postal": ZoneKind.POSTAL in kinds,
        "distance": origin is not None,
        "script": {
            "origin": origin,
            "zones": [
                {
                    "id": zone.id,
                    "kind": ZoneKind(zone.kind).value,
                    "label": zone_label(zone),
                    "codes": parse_codes(zone.codes),
                    "max_m": zone.max_m,
                    "fee": zone.fee_minor,
                    "min": zone.min_order_minor,
                    "free": zone.free_above_minor,
                }
                for zone in zones
            ],
        },
    }
