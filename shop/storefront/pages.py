"""Shop, product and cart pages: the same for every shopper, so caches can serve them.

Each view finds the shop (old links redirect), answers 304 when the browser already
has this version of the catalog, and otherwise renders with a public Cache-Control.
"""

from __future__ import annotations

from flask import render_template, request

from ..models import Availability
from .blueprint import bp
from .caching import not_modified, public, shop_etag
from .loading import clean_query, sections, shop_or_404, visible_item_or_404, visible_items
from .social import product_card, shop_card

# The first cards are likely above the fold on a phone: load them at once.
EAGER_IMAGES = 4


@bp.get("/s/<slug>")
def shop_page(slug: str):
    """The shop: categories, product cards, search within the shop."""
    shop = shop_or_404(slug)
    query = clean_query(request.args.get("q"))
    etag = shop_etag(shop, "shop", query)
    if (cached := not_modified(etag)) is not None:
        return cached
    found = sections(visible_items(shop, query))
    html = render_template(
        "storefront/shop.html",
        shop=shop,
        sections=found,
        query=query,
        card=shop_card(shop),
        eager_images=EAGER_IMAGES,
    )
    return public(html, etag)


@bp.get("/s/<slug>/p/<int:item_id>")
def product_page(slug: str, item_id: int):
    """One product or service, with its own link to share."""
    shop = shop_or_404(slug)
    etag = shop_etag(shop, "product", item_id)
    if (cached := not_modified(etag)) is not None:
        return cached
    item = visible_item_or_404(shop, item_id)
    html = render_template(
        "storefront/product.html",
        shop=shop,
        item=item,
        card=product_card(shop, item),
        sold_out=item.availability == Availability.SOLD_OUT,
    )
    return public(html, etag)


@bp.get("/s/<slug>/cart")
def cart_page(slug: str):
    """The cart and the checkout form; the lines come from the browser's storage.

    The page carries the current price and availability of every visible item, so
    the script can correct a cart filled days ago before the shopper orders.
    """
    shop = shop_or_404(slug)
    etag = shop_etag(shop, "cart")
    if (cached := not_modified(etag)) is not None:
        return cached
    catalog = {
        str(item.id): {
            "name": item.name,
            "price": item.price_minor,
            "available": item.availability == Availability.AVAILABLE,
            "service": item.is_service,
        }
        for item in visible_items(shop, photos=False)
    }
    methods = [method for method in shop.shipping_methods if method.active]
    html = render_template("storefront/cart.html", shop=shop, catalog=catalog, methods=methods)
    return public(html, etag)
