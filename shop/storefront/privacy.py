"""A shop's privacy page: what its pages keep about a shopper, and which ads pixels it
uses (if any), named with who receives their data. Linked from the consent banner and
the footer of a shop with pixels; the same for every shopper, so cached like any page.
"""

from __future__ import annotations

from flask import render_template

from shop.lib.pixels import shop_pixels
from shop.storefront.blueprint import bp
from shop.storefront.fast import public_shop, serve_page, shop_etag
from shop.web.locale import spoken_language


@bp.get("/s/<slug>/privacy")
def privacy_page(slug: str):
    """What is kept and who receives what, in the shop's (or the shopper's) language."""
    shop = public_shop(slug)

    def render() -> str:
        return render_template("storefront/privacy.html", shop=shop, pixels=shop_pixels(shop))

    return serve_page(shop_etag(shop, "privacy", language=spoken_language()), render)
