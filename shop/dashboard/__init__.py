"""The merchant's pages, one module per area, all on one blueprint."""

from . import categories, data, home, items, orders, share, shipping, shops  # noqa: F401  (register routes)
from .blueprint import bp

__all__ = ["bp"]
