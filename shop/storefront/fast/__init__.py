"""The storefront's speed layer: kept pages answered before Flask (the fast path), the
page cache, ETags, the shop page's cards and frame, and the plain-row reads behind them.

Used by the storefront's views only; may import lib, models, catalog, media and web.
"""
