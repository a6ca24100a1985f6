"""The activity page: who changed what in the shop, and when (the owner's only).

Reads shop.activity.log; filters live in the query string (a link can be shared and
reopened), and the next page is named by the last row shown (keyset), not an offset.
"""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l

from shop.activity.log import activity_page, parse_filters, people
from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.lib.locales import money
from shop.models import ActivityKind
from shop.ordering.statuses import status_label

KIND_LABELS = {
    ActivityKind.STATUS: _l("Order status"),
    ActivityKind.EDIT: _l("Order changed"),
    ActivityKind.PAYMENT: _l("Order payment"),
    ActivityKind.ITEM: _l("Products"),
    ActivityKind.PRICE: _l("Prices"),
    ActivityKind.STOCK: _l("Stock"),
    ActivityKind.SETTINGS: _l("Settings"),
    ActivityKind.SHIPPING: _l("Shipping methods"),
    ActivityKind.PAYMENT_METHOD: _l("Payment methods"),
    ActivityKind.DISCOUNT: _l("Discounts"),
    ActivityKind.IMPORT: _l("Imports"),
    ActivityKind.TEAM: _l("Team"),
}


@bp.get("/activity")
@shop_required
def activity():
    shop = current_shop()
    filters = parse_filters(request.args)
    rows, next_before = activity_page(shop, filters)
    kept = {k: v for k, v in request.args.items() if k in ("person", "kind", "since", "until")}
    return render_template(
        "dashboard/activity.html",
        shop=shop,
        rows=rows,
        filters=filters,
        people=people(shop),
        kinds=KIND_LABELS,
        next_url=url_for("dashboard.activity", **kept, before=next_before) if next_before else None,
        first_url=url_for("dashboard.activity", **kept) if filters.before else None,
        shown=lambda key, value: _shown(shop, key, value),
        status_label=status_label,
    )


def _shown(shop, key: str, value: object) -> str:
    """A detail's value as the owner reads it: amounts in the shop's money."""
    if value is None or value == "":
        return "-"
    if key.endswith("_minor") and isinstance(value, int) and not isinstance(value, bool):
        return money(value, shop)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)
