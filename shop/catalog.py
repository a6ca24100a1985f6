"""Catalog rules: categories, items and their order. Functions add and flush, never commit."""

from __future__ import annotations

from .models import Shop


def touch_catalog(shop: Shop) -> None:
    """Record that something a shopper can see changed: new ETags, fresh cached pages."""
    shop.catalog_version = (shop.catalog_version or 0) + 1
