"""The merchant's pages, one module per area, all on one blueprint.

Importing the view modules registers their routes on the blueprint.
"""

from shop.dashboard import (  # noqa: F401  (register routes)
    activity,
    ads,
    analytics,
    categories,
    customer_privacy,
    customers,
    data,
    discounts,
    domains,
    drafts,
    home,
    imports,
    item_options,
    items,
    jobs,
    manual_orders,
    order_edits,
    order_news,
    order_payments,
    order_slips,
    ordering_rules,
    orders,
    payments,
    push,
    share,
    shipping,
    shops,
    stock,
    team,
    uploads,
    zones,
)
from shop.dashboard.blueprint import bp

__all__ = ["bp"]
