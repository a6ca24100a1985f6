"""The operator's pages: every shop, suspending and lifting. Merchants get 404."""

from . import views  # noqa: F401  (register routes)
from .blueprint import bp

__all__ = ["bp"]
