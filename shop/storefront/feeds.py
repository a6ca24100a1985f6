"""Machine-readable views of the public catalog: Meta's data feed and the sitemap.

Both are public and cacheable like every storefront page (see caching.py): no
cookies, a short ``Cache-Control: public`` and an ETag, so Meta's scheduled fetch and
crawlers cost a 304 when nothing changed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from xml.sax.saxutils import escape

from flask import Response, abort, redirect, url_for
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.lib import clock
from shop.media.urls import preview_url
from shop.models import Availability, Category, Item, ItemPhoto, OptionGroup, Shop
from shop.ordering.shop_wide import shop_wide_sale
from shop.sharing.link_cards import shop_image
from shop.shops.exports import FEED_COLUMNS, feed_rows, write_csv
from shop.shops.settings import resolve_slug
from shop.storefront.blueprint import bp
from shop.storefront.fast import shop_etag
from shop.storefront.hosts import remember_domains
from shop.storefront.loading import missing_shop
from shop.storefront.unavailable import abort_if_suspended
from shop.web.caching import not_modified, public

URLS_PER_SITEMAP = 50_000  # the sitemap protocol's limit per file
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@bp.get("/s/<slug>/catalog.csv")
def catalog_feed(slug: str):
    """The shop's catalog as a Meta Commerce Manager data feed (paste this URL there)."""
    shop, is_old_slug = resolve_slug(slug)
    if shop is None:
        missing_shop(slug)
    if is_old_slug:
        return redirect(url_for("storefront.catalog_feed", slug=shop.slug), code=301)
    abort_if_suspended(shop)
    # A shop-wide automatic discount is a sale price (one statement, only for a shop that
    # has automatic discounts); discounts do not move the catalog version, so it is in
    # the ETag itself.
    sale = shop_wide_sale(shop, clock.now())
    etag = shop_etag(shop, "catalog.csv", sale.fingerprint if sale else "")
    unchanged = not_modified(etag)
    if unchanged is not None:
        return unchanged

    items = db.session.scalars(
        select(Item)
        .outerjoin(Category, Item.category_id == Category.id)
        .where(Item.shop_id == shop.id, Item.availability != Availability.HIDDEN)
        .order_by(Category.position.asc().nulls_last(), Category.id, Item.position, Item.id)
        .options(
            selectinload(Item.photos).joinedload(ItemPhoto.image),
            selectinload(Item.option_groups).selectinload(OptionGroup.choices),
            selectinload(Item.variant_stock),
        )
    ).all()

    def product_url(item: Item) -> str:
        return url_for("storefront.product_page", slug=shop.slug, item_id=item.id, _external=True)

    rows = feed_rows(
        shop,
        items,
        product_url=product_url,
        image_url=lambda image: preview_url(image, external=True),
        fallback_image_url=shop_image(shop),
        sale=sale,
    )
    # No BOM: Meta reads the first column's name, and a BOM would make it "\ufeffid".
    body = "".join(write_csv(FEED_COLUMNS, rows, bom=False))
    return public(Response(body, mimetype="text/csv"), etag)


# Suspended shops (shop.shops.suspension) are left out, with their products.
_LISTED = Shop.suspended_at.is_(None)


def _url_count() -> int:
    shops = db.session.scalar(select(func.count()).select_from(Shop).where(_LISTED)) or 0
    items = (
        db.session.scalar(
            select(func.count())
            .select_from(Item)
            .join(Shop, Item.shop_id == Shop.id)
            .where(Item.availability != Availability.HIDDEN, _LISTED)
        )
        or 0
    )
    return shops + items


def _sitemap_entries(offset: int, limit: int, shop_id: int | None = None):
    """(slug, item id or 0 for the shop page, lastmod, custom domain), shop first then
    its products; only one shop's with `shop_id` (its own sitemap, on its domain)."""
    listed = _LISTED if shop_id is None else Shop.id == shop_id
    shop_pages = select(
        Shop.id.label("shop_id"),
        Shop.slug.label("slug"),
        literal(0).label("item_id"),
        Shop.updated_at.label("lastmod"),
        Shop.custom_domain.label("domain"),
    ).where(listed)
    product_pages = (
        select(Item.shop_id, Shop.slug, Item.id, Item.updated_at, Shop.custom_domain)
        .join(Shop, Item.shop_id == Shop.id)
        .where(Item.availability != Availability.HIDDEN, listed)
    )
    pages = union_all(shop_pages, product_pages).subquery()
    return db.session.execute(
        select(pages.c.slug, pages.c.item_id, pages.c.lastmod, pages.c.domain)
        .order_by(pages.c.shop_id, pages.c.item_id)
        .offset(offset)
        .limit(limit)
    ).all()


def _w3c(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "+00:00"  # stored as naive UTC


def _urlset(offset: int, shop_id: int | None = None) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<urlset xmlns="{SITEMAP_NS}">\n']
    entries = _sitemap_entries(offset, URLS_PER_SITEMAP, shop_id)
    # A shop's live domain is where its pages are listed (hosts.custom_origin).
    remember_domains({slug: domain for slug, _item, _lastmod, domain in entries})
    for slug, item_id, lastmod, _domain in entries:
        if item_id:
            loc = url_for("storefront.product_page", slug=slug, item_id=item_id, _external=True)
        else:
            loc = url_for("storefront.shop_page", slug=slug, _external=True)
        parts.append(f"<url><loc>{escape(loc)}</loc><lastmod>{_w3c(lastmod)}</lastmod></url>\n")
    parts.append("</urlset>\n")
    return "".join(parts)


def _sitemap_index(pages: int) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for page in range(1, pages + 1):
        loc = url_for("storefront.sitemap_page", page=page, _external=True)
        parts.append(f"<sitemap><loc>{escape(loc)}</loc></sitemap>\n")
    parts.append("</sitemapindex>\n")
    return "".join(parts)


def _xml_response(body: str) -> Response:
    # The ETag is a hash of the body: right by construction, whatever changed.
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    return not_modified(etag) or public(Response(body, mimetype="application/xml"), etag)


@bp.get("/sitemap.xml")
def sitemap():
    """Every shop and visible product; past 50,000 URLs, an index of numbered sitemaps."""
    pages = -(-_url_count() // URLS_PER_SITEMAP)
    if pages <= 1:
        return _xml_response(_urlset(0))
    return _xml_response(_sitemap_index(pages))


@bp.get("/sitemap-<int:page>.xml")
def sitemap_page(page: int):
    pages = -(-_url_count() // URLS_PER_SITEMAP)
    if pages <= 1 or not 1 <= page <= pages:
        abort(404)
    return _xml_response(_urlset((page - 1) * URLS_PER_SITEMAP))


def _shop_for_feed(slug: str) -> Shop:
    """The shop of a robots.txt or sitemap on its own host: 404/410 and the suspended
    shop's 403 as for its pages; an old slug is served, not redirected."""
    shop, _is_old = resolve_slug(slug)
    if shop is None:
        missing_shop(slug)
    abort_if_suspended(shop)
    return shop


@bp.get("/s/<slug>/sitemap.xml")
def shop_sitemap(slug: str):
    """One shop's pages: the sitemap its own domain (or subdomain) answers at /sitemap.xml."""
    shop = _shop_for_feed(slug)
    return _xml_response(_urlset(0, shop.id))


@bp.get("/s/<slug>/robots.txt")
def shop_robots(slug: str):
    """A shop's own host lets crawlers in and names its sitemap."""
    shop = _shop_for_feed(slug)
    sitemap_url = url_for("storefront.shop_sitemap", slug=shop.slug, _external=True)
    body = f"User-agent: *\nAllow: /\nSitemap: {sitemap_url}\n"
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    return not_modified(etag) or public(Response(body, mimetype="text/plain"), etag)
