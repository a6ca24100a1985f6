"""The operator's pages: every shop, suspending and lifting. Merchants get 404."""

from shop.operator import views  # noqa: F401  (register routes)
from shop.operator.blueprint import bp, require_operator

__all__ = ["bp", "require_operator"]
