"""A shop's privacy page: what its pages and orders keep about a shopper and for how
long (the shop's own text or the default for its setting), and which ads pixels it
uses (if any), named with who receives their data. Linked from the consent banner and
the footer of a shop with pixels; the same for every shopper, so cached like any page.
"""

from __future__ import annotations

from flask import render_template

from shop.lib.pixels import shop_pixels
from shop.ordering.customer_privacy import orders_privacy_text
from shop.storefront.blueprint import bp
from shop.storefront.fast import public_shop, serve_page, shop_etag
from shop.web.locale import spoken_language


@bp.get("/s/<slug>/privacy")
def privacy_page(slug: str):
    """What is kept and who receives what, in the shop's (or the shopper's) language."""
    shop = public_shop(slug)

    def render() -> str:
        return render_template(
            "storefront/privacy.html",
            shop=shop,
            pixels=shop_pixels(shop),
            orders_text=orders_privacy_text(shop.id),
        )

    return serve_page(shop_etag(shop, "privacy", language=spoken_language()), render)
