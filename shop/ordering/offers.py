"""What a shop offers at checkout, its active shipping and payment methods, read once
per catalog version in each app: a checkout under load skips two statements.

Both tables are public (shop.models.catalog_version), so any change to a method moves
the shop's catalog_version, which the checkout reads with the shop itself: a kept entry
is never used for a version it was not read at. Entries are plain read-only copies of
the rows, never ORM objects, so nothing is shared between sessions or threads; they are
kept per app (a test's new app starts empty) and bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import inspect, select

from shop.extensions import db
from shop.models import PaymentMethod, ShippingMethod, ShippingZone, Shop

KEPT_SHOPS = 512  # entries per app; each is a few short rows


@dataclass(frozen=True)
class Offers:
    """The active methods in the shop's order, as read-only copies of their rows."""

    shipping: tuple[SimpleNamespace, ...]
    payment: tuple[SimpleNamespace, ...]


class _Kept:
    def __init__(self) -> None:
        self.entries: OrderedDict[tuple[int, int], Offers] = OrderedDict()
        self.lock = threading.Lock()


def offers(shop: Shop) -> Offers:
    """The shop's active methods at the catalog version it was read with."""
    kept = current_app.extensions.setdefault("checkout_offers", _Kept())
    key = (shop.id, shop.catalog_version)
    with kept.lock:
        found = kept.entries.get(key)
        if found is not None:
            kept.entries.move_to_end(key)
            return found
    found = Offers(
        shipping=_with_zones(_active(ShippingMethod, shop.id), shop.id),
        payment=_active(PaymentMethod, shop.id),
    )
    with kept.lock:
        kept.entries[key] = found
        while len(kept.entries) > KEPT_SHOPS:
            kept.entries.popitem(last=False)
    return found


def _with_zones(methods: tuple[SimpleNamespace, ...], shop_id: int):
    """Each method with its delivery zones (shop.ordering.zones), in their order."""
    if not methods:
        return methods
    rows = db.session.execute(
        select(*[getattr(ShippingZone, a.key) for a in inspect(ShippingZone).column_attrs])
        .where(ShippingZone.shop_id == shop_id)
        .order_by(ShippingZone.position, ShippingZone.id)
    )
    zones: dict[int, list[SimpleNamespace]] = {}
    for row in rows:
        zones.setdefault(row.method_id, []).append(SimpleNamespace(**row._asdict()))
    for method in methods:
        method.zones = tuple(zones.get(method.id, ()))
    return methods


def _active(model, shop_id: int) -> tuple[SimpleNamespace, ...]:
    columns = [getattr(model, attribute.key) for attribute in inspect(model).column_attrs]
    rows = db.session.execute(
        select(*columns)
        .where(model.shop_id == shop_id, model.active.is_(True))
        .order_by(model.position, model.id)
    )
    return tuple(SimpleNamespace(**row._asdict()) for row in rows)
