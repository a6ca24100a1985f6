"""Shop, product and cart pages: the same for every shopper, so caches can serve them.

Each view finds the shop with one small query (old links redirect), answers 304 when
the browser already has this version of the catalog, then serves the kept page or
renders it once (serve_page). Rendering is lean because a 200-product page must
render in a few milliseconds: the cards are written in Python, with every URL and
price made once, and the shop page's frame around them is kept by what it is made of,
so after an item edit only the changed cards are written (see shop.storefront.fast).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from shop.catalog.availability import shows_sold_out
from shop.sharing.link_cards import product_card, shop_card
from shop.storefront.blueprint import bp
from shop.storefront.fast import (
    GALLERY_SIZES,
    Preload,
    cart_catalog,
    category_nav,
    frame_key,
    framed_page,
    in_frame,
    more_link,
    part_cards,
    part_links,
    product,
    product_images,
    public_shop,
    sections_html,
    serve_page,
    shop_cards,
    shop_etag,
)
from shop.storefront.loading import REDIRECT_MAX_AGE, clean_query
from shop.storefront.ordering_info import cart_payments, hours_data, minimum_text, week_rows
from shop.web.locale import spoken_language


@bp.get("/s/<slug>")
def shop_page(slug: str):
    """The shop: categories, product cards, search within the shop."""
    shop = public_shop(slug)
    query = clean_query(request.args.get("q"))

    def render() -> str | bytes:
        sections, later, preload = shop_cards(shop, query)
        context = {
            "sections": sections,
            "later": later,
            "query": query,
            "card": shop_card(shop),
            "preload": preload,
            "hours": hours_data(shop),
            "week": week_rows(shop),
            "minimum": minimum_text(shop),
            "category_nav": category_nav,
            "sections_html": sections_html,
            "part_url": part_links(shop.slug),
        }
        if query:  # the search box and summary show it: the layout's frame only
            return framed_page("storefront/shop.html", shop, **context)

        def page() -> str:
            return render_template("storefront/shop.html", shop=shop, **context)

        # The frame shows each section's size and the later categories: part of its key.
        sizes = tuple(section.total for section in sections)
        later_key = tuple((part.category_id, part.category_name, part.total) for part in later)
        return in_frame(frame_key(shop, sections, preload, sizes, later_key), sections, page)

    # Searches are rendered every time: each is rare, and they would crowd the cache.
    etag = shop_etag(shop, "shop", query, language=spoken_language())
    return serve_page(etag, render, keep=not query)


@bp.get("/s/<slug>/c/<section>", defaults={"number": 1})
@bp.get("/s/<slug>/c/<section>/<int(min=2, max=100000):number>")
def shop_part(slug: str, section: str, number: int):
    """Part of a big catalog (fast/parts.py): up to 60 products of one category, with a
    link to the next part; the shop page's script fetches it as the shopper scrolls."""
    shop = public_shop(slug)

    def render() -> str:
        found = part_cards(shop, section, number)
        if found is None:
            abort(404)
        return render_template(
            "storefront/part.html",
            shop=shop,
            section=found,
            more_link=more_link,
            part_url=part_links(shop.slug),
        )

    etag = shop_etag(shop, "part", section, number, language=spoken_language())
    return serve_page(etag, render)


@bp.get("/s/<slug>/p/<int(max=2147483647):item_id>")
def product_page(slug: str, item_id: int):
    """One product or service, with its own link to share."""
    shop = public_shop(slug)

    def render() -> str:
        item, ships = product(shop, item_id)
        images = product_images(shop, item)
        return framed_page(
            "storefront/product.html",
            shop,
            item=item,
            images=images,
            gallery_sizes=GALLERY_SIZES,
            preload=Preload(images[0].src, images[0].srcset, GALLERY_SIZES) if images else None,
            card=product_card(shop, item),
            sold_out=shows_sold_out(item),
            ships=ships,
            sold_out_variants=sorted(item.sold_out_variants),
        )

    return serve_page(shop_etag(shop, "product", item_id, language=spoken_language()), render)


@bp.get("/s/<slug>/cart")
def cart_page(slug: str):
    """The cart and the checkout form; the lines come from the browser's storage.

    The page carries the current price and availability of every visible item, so
    the script can correct a cart filled days ago before the shopper orders.
    """
    shop = public_shop(slug)

    def render() -> str:
        catalog, methods = cart_catalog(shop)
        return render_template(
            "storefront/cart.html",
            shop=shop,
            catalog=catalog,
            methods=methods,
            payments=cart_payments(shop),
            hours=hours_data(shop),
            minimum=minimum_text(shop),
            min_order=shop.min_order_minor or 0,
        )

    return serve_page(shop_etag(shop, "cart", language=spoken_language()), render)


@bp.get("/s/<slug>/")
def shop_page_with_slash(slug: str):
    """`/s/<slug>/` (a slash typed or pasted after the link) is the shop, at its one URL."""
    target = url_for("storefront.shop_page", slug=slug)
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    response = redirect(target, code=301)
    response.headers["Cache-Control"] = f"public, max-age={REDIRECT_MAX_AGE}"
    return response
