"""The storefront's speed layer: kept pages answered before Flask (the fast path), the
page cache, ETags, the shop page's cards and frame, and the plain-row reads behind them.

What this package exports is its API; nothing outside it imports its modules (an
import contract in pyproject.toml holds to that):

- for the request pipeline (shop/pipeline.py): `FastPath`, the WSGI middleware that
  answers kept pages and their 304s before Flask, and `keep_page`, the last
  after_request hook, which keeps a page Flask rendered for it; and for the
  analytics beacon's fast path, `shop_and_items` (the shop row and the ids of the
  items it shows, on the fast path's connection);
- for the storefront's templates: `cart_messages`, the cart script's words, written
  once per language;
- for the storefront's views: the page cache's door (`serve_page`, `shop_etag`,
  `code_version`), the plain-row reads (`public_shop`, `product`, `cart_catalog`,
  and `connection` for a view's own statements), the shop page's cards and frame (`shop_cards`,
  `frame_key`, `in_frame`), the layout frame of product pages and searches
  (`framed_page`), the category list and sections around the cards (`category_nav`,
  `sections_html`), a big catalog's later parts (`part_cards`, and `part_links` and
  `more_link` for the links to them) and the
  product's gallery (`product_images`, `GALLERY_SIZES`, `Preload`);
- for gunicorn's master (gunicorn.conf.py) and the benchmarks: `warm_up`, what every
  worker needs whatever the shop, made once before the fork.

May import lib, models, catalog, media, web and the storefront's loading, hosts and
unavailable modules; never its views.
"""

from shop.storefront.fast.caching import code_version, serve_page, shop_etag
from shop.storefront.fast.cards import (
    GALLERY_SIZES,
    Preload,
    part_cards,
    part_links,
    product_images,
    shop_cards,
)
from shop.storefront.fast.cart_rows import cart_catalog
from shop.storefront.fast.framed import framed_page
from shop.storefront.fast.frames import frame_key, in_frame
from shop.storefront.fast.messages import cart_messages
from shop.storefront.fast.middleware import FastPath, keep_page, shop_and_items
from shop.storefront.fast.product_rows import product
from shop.storefront.fast.rows import connection, public_shop
from shop.storefront.fast.sections import category_nav, more_link, sections_html
from shop.storefront.fast.warm import warm_up

__all__ = [
    "GALLERY_SIZES",
    "FastPath",
    "Preload",
    "cart_catalog",
    "cart_messages",
    "category_nav",
    "code_version",
    "connection",
    "frame_key",
    "framed_page",
    "in_frame",
    "keep_page",
    "more_link",
    "part_cards",
    "part_links",
    "product",
    "product_images",
    "public_shop",
    "sections_html",
    "serve_page",
    "shop_and_items",
    "shop_cards",
    "shop_etag",
    "warm_up",
]
