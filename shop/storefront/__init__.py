"""The public side: shop and product pages, checkout, order pages, feeds.

Importing the view modules registers their routes on the blueprint.
"""

from shop.storefront import checkout, feeds, order_page, pages  # noqa: F401  (register routes)
from shop.storefront.blueprint import bp

__all__ = ["bp"]
