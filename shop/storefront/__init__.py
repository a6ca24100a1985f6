"""The public side: shop and product pages, checkout, order pages, feeds.

Importing the view modules registers their routes on the blueprint.
"""

from shop.storefront import (  # noqa: F401  (register routes)
    beacon,
    checkout,
    discount_preview,
    feeds,
    home_screen,
    order_page,
    pages,
    privacy,
    slot_times,
    zone_choice,
)
from shop.storefront.blueprint import bp

__all__ = ["bp"]
