"""The merchant's pages, one module per area, all on one blueprint."""

from . import (  # noqa: F401  (register routes)
    categories,
    data,
    home,
    items,
    options,
    orders,
    payments,
    rules,
    share,
    shipping,
    shops,
)
from .blueprint import bp

__all__ = ["bp"]
