"""The public side: shop and product pages, checkout, order pages, feeds."""

from .blueprint import bp

__all__ = ["bp"]
