"""Who may do what in a shop, written once: the table of role x capability.

Every merchant-side check asks `allows(role, capability)`; the dashboard names the
capability each of its pages needs (shop.dashboard.capabilities). A later feature adds
its capability here and states its row in docs/team.md.
"""

from __future__ import annotations

import enum

from shop.models.team import Role


class Capability(enum.StrEnum):
    """One thing a member may be allowed to do in a shop."""

    VIEW = "view"  # the dashboard's home, the shop's link and QR code
    ORDERS = "orders"  # orders, their statuses and payments, customers, printing slips
    STOCK = "stock"  # units left of items and combinations (the stock page)
    CATALOG = "catalog"  # items, prices, categories, photos, options
    IMPORTS = "imports"  # many items at once (from photos, bulk edits)
    SETTINGS = "settings"  # the shop's settings, shipping, payments, ordering rules
    ANALYTICS = "analytics"
    COUPONS = "coupons"
    ACTIVITY = "activity"  # the record of who changed what: the owner's only
    EXPORT = "export"  # downloading all of the shop's data
    DELETE_SHOP = "delete_shop"
    TEAM = "team"  # inviting, removing, handing over ownership


ALL = frozenset(Capability)
CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.OWNER: ALL,
    Role.MANAGER: ALL
    - {Capability.TEAM, Capability.DELETE_SHOP, Capability.EXPORT, Capability.ACTIVITY},
    Role.STAFF: frozenset({Capability.VIEW, Capability.ORDERS, Capability.STOCK}),
}


def allows(role: Role | None, capability: Capability) -> bool:
    """Whether a member with `role` (None: not a member) may do `capability`."""
    return role is not None and capability in CAPABILITIES[role]
