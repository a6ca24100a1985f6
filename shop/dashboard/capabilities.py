"""The capability each dashboard page needs, checked once for every request.

A page missing from this table is for the owner only (tests/dashboard/test_roles.py
fails until it is listed). None: the page is about the signed-in person, not a shop
(creating their own shop, switching between their shops).
"""

from __future__ import annotations

from flask import abort, request

from shop.dashboard.access import current_role, current_shop
from shop.shops.roles import Capability, allows

C = Capability
PERSONAL = None
NEEDS: dict[str, Capability | None] = {
    "setup": PERSONAL,
    "switch_shop": PERSONAL,
    "join": PERSONAL,  # an invitation: the link is the permission (shop.shops.team)
    "home": C.VIEW,
    "share": C.VIEW,
    "share_qr_png": C.VIEW,
    "share_qr_svg": C.VIEW,
    "link_shared": C.VIEW,
    "leave_shop": C.VIEW,  # a member leaving on their own (the owner is refused)
    # Orders, customers, printing.
    "orders": C.ORDERS,
    "orders_csv": C.ORDERS,
    "order_detail": C.ORDERS,
    "change_order_status": C.ORDERS,
    "mark_order_paid": C.ORDERS,
    "mark_order_unpaid": C.ORDERS,
    "edit_order_page": C.ORDERS,  # adjusting an order before it ships (issue 20)
    "new_order": C.ORDERS,  # an order that came another way
    "order_slip": C.ORDERS,
    "order_slips": C.ORDERS,
    # Customers, built from orders (issue 20); their privacy settings are the shop's.
    "customers": C.ORDERS,
    "customers_csv": C.ORDERS,
    "customer_detail": C.ORDERS,
    "save_customer": C.ORDERS,
    "merge_customer": C.ORDERS,
    "delete_customer": C.ORDERS,
    "customer_privacy": C.SETTINGS,
    # This device told of new orders (Web Push): whoever runs the orders.
    "push_subscribe": C.ORDERS,
    "push_unsubscribe": C.ORDERS,
    "push_service_worker": C.ORDERS,
    "save_variant_stock": C.STOCK,
    "stock": C.STOCK,  # units left of every counted item, and changing only those
    "save_stock": C.STOCK,
    # The catalog: names, prices, photos, options.
    "items": C.CATALOG,
    "new_item": C.CATALOG,
    "edit_item": C.CATALOG,
    "delete_item": C.CATALOG,
    "duplicate_item": C.CATALOG,
    "move_item": C.CATALOG,
    "catalog_csv": C.CATALOG,
    "categories": C.CATALOG,
    "edit_category": C.CATALOG,
    "delete_category": C.CATALOG,
    "move_category": C.CATALOG,
    "new_option_group": C.CATALOG,
    "save_option_group": C.CATALOG,
    "delete_option_group": C.CATALOG,
    "move_option_group": C.CATALOG,
    "move_photo": C.CATALOG,
    "order_photos": C.CATALOG,
    "remove_photo": C.CATALOG,
    "upload_photos": C.CATALOG,
    "upload_preview": C.CATALOG,
    "bulk_items": C.IMPORTS,
    "items_from_photos": C.IMPORTS,
    # Bringing a catalog in (issue 21).
    "import_start": C.IMPORTS,
    "import_upload": C.IMPORTS,
    "import_preview": C.IMPORTS,
    "import_confirm": C.IMPORTS,
    "import_undo": C.IMPORTS,
    # The shop's settings and ordering rules.
    "settings": C.SETTINGS,
    "ads": C.SETTINGS,  # the shop's ads pixels (issue 23)
    # The shop's own domain (issue 28).
    "domain": C.SETTINGS,
    "check_domain_now": C.SETTINGS,
    "remove_domain_now": C.SETTINGS,
    # Discount codes and automatic discounts (issue 24).
    "discounts": C.COUPONS,
    "new_discount": C.COUPONS,
    "edit_discount": C.COUPONS,
    "toggle_discount": C.COUPONS,
    "order_news_settings": C.SETTINGS,
    "ordering_rules": C.SETTINGS,
    "message_preview": C.SETTINGS,
    "shipping_methods": C.SETTINGS,
    "new_shipping_method": C.SETTINGS,
    "edit_shipping_method": C.SETTINGS,
    "delete_shipping_method": C.SETTINGS,
    "move_shipping_method": C.SETTINGS,
    "toggle_shipping_method": C.SETTINGS,
    "shipping_zones": C.SETTINGS,
    "edit_shipping_zone": C.SETTINGS,
    "delete_shipping_zone": C.SETTINGS,
    "shop_location": C.SETTINGS,
    "shipping_times": C.SETTINGS,
    "payment_methods": C.SETTINGS,
    "edit_payment_method": C.SETTINGS,
    "delete_payment_method": C.SETTINGS,
    "analytics": C.ANALYTICS,
    "analytics_csv": C.ANALYTICS,
    # All of the shop's data, and the shop itself.
    "your_data": C.EXPORT,
    "export_shop": C.EXPORT,
    "job_page": C.EXPORT,
    "job_progress": C.EXPORT,
    "job_download": C.EXPORT,
    "delete_current_shop": C.DELETE_SHOP,
    "team_page": C.TEAM,
    "invite": C.TEAM,
    "revoke_invitation": C.TEAM,
    "remove_member": C.TEAM,
    "change_member_role": C.TEAM,
    "hand_over": C.TEAM,
    # Who changed what (issue 26): the owner's only.
    "activity": C.ACTIVITY,
}


def capability_of(endpoint: str) -> Capability | None:
    """What the dashboard page `endpoint` ("dashboard.items") needs; unknown: the team's."""
    return NEEDS.get(endpoint.removeprefix("dashboard."), C.TEAM)


def may_open(endpoint: str) -> bool:
    """Whether the signed-in member may open that page (menus show only those)."""
    needed = capability_of(endpoint)
    return needed is None or allows(current_role(), needed)


def check_capability() -> None:
    """403 unless the signed-in member's role in the current shop allows this page."""
    if request.endpoint is None:
        return  # no such URL: a 404 follows
    needed = capability_of(request.endpoint)
    if needed is None or current_shop() is None:
        return  # a personal page, or no shop yet (the set-up page comes first)
    if not allows(current_role(), needed):
        abort(403)
