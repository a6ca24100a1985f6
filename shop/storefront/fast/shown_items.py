"""The ids of the items a shop shows, kept per catalog version: what the analytics
beacon checks an event's product against without a query per event.

Every change to a shop's items moves its catalog_version (shop.models.catalog_version),
which the fast path reads on every request anyway; so a kept set is exact for as long
as its version is current, and read again (one small indexed SELECT) when it is not.
At most MAX_SHOPS shops are kept per worker; the least recently used goes first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import bindparam, select

from shop.models import Availability, Item
from shop.storefront.fast.plain_sql import PlainSelect

MAX_SHOPS = 2048

_SHOWN = PlainSelect(
    select(Item.id).where(
        Item.shop_id == bindparam("shop_id"), Item.availability != Availability.HIDDEN
    )
)


class ShownItems:
    """shop id -> (catalog_version, frozenset of shown item ids), bounded."""

    def __init__(self) -> None:
        self._kept: OrderedDict[int, tuple[int, frozenset[int]]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, connection, shop_id: int, version: int) -> frozenset[int]:
        kept = self._kept.get(shop_id)
        if kept is not None and kept[0] == version:
            return kept[1]
        ids = frozenset(row[0] for row in _SHOWN.rows(connection, shop_id=shop_id))
        with self._lock:
            self._kept[shop_id] = (version, ids)
            self._kept.move_to_end(shop_id)
            while len(self._kept) > MAX_SHOPS:
                self._kept.popitem(last=False)
        return ids
