"""The public side: shop and product pages, checkout, order pages, feeds."""

from . import checkout, feeds, order_page, pages  # noqa: F401  (register routes)
from .blueprint import bp

__all__ = ["bp"]
