"""A shop on the home screen: its manifest, icons and service worker.

The manifest and icons make "Add to home screen" install the shop itself. The service
worker (templates/storefront/sw.js) serves the shop's pages from the network when it
answers within two seconds and from what it kept otherwise, so a shopper on a weak
signal still browses; it never keeps an order, a checkout answer or anything marked
no-store, and it never sends an order by itself. All three are public and cookie-free
like the shop's pages; an operator turns the worker off with SERVICE_WORKER=off, and
the script then removes any worker a browser installed before.
"""

from __future__ import annotations

import hashlib

from flask import abort, current_app, jsonify, render_template, request, url_for

from shop.media.names import closest_width, rendition_name
from shop.media.storage import get_storage
from shop.sharing.app_icons import SIZES, icon_png
from shop.sharing.manifest import manifest
from shop.storefront.blueprint import bp, shop_scope
from shop.storefront.fast import code_version, public_shop, shop_etag
from shop.web.caching import not_modified, public

SCRIPT_CACHE = "no-cache"  # a new release reaches every phone on its next visit
ICON_CACHE = "public, max-age=86400"


@bp.get("/s/<slug>/manifest.webmanifest")
def web_manifest(slug: str):
    shop = public_shop(slug)
    etag = shop_etag(shop, "manifest")
    unchanged = not_modified(etag)
    if unchanged is not None:
        return unchanged
    icons = {
        size: url_for("storefront.app_icon", slug=slug, size=size, v=etag[:8]) for size in SIZES
    }
    body = manifest(name=shop.name, language=shop.language, scope=shop_scope(slug), icons=icons)
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return public(response, etag)


@bp.get("/s/<slug>/icon-<int:size>.png")
def app_icon(slug: str, size: int):
    if size not in SIZES:
        abort(404)
    shop = public_shop(slug)
    etag = shop_etag(shop, "icon", size)
    unchanged = not_modified(etag)
    if unchanged is not None:
        return unchanged
    logo = None
    if shop.logo is not None:
        name = rendition_name(shop.logo.key, closest_width(shop.logo.widths, size))
        try:
            logo = get_storage().read(name)
        except OSError:
            logo = None  # the initial instead: an icon is never worth an error
    png = icon_png(size, logo=logo, initial=(shop.name.strip()[:1] or "·").upper())
    response = public(current_app.response_class(png, mimetype="image/png"), etag)
    response.headers["Cache-Control"] = ICON_CACHE
    return response


@bp.get("/s/<slug>/sw.js")
def service_worker(slug: str):
    shop = public_shop(slug)
    scope = shop_scope(slug)
    config = current_app.config
    script = render_template(
        "storefront/sw.js",
        enabled=config["SERVICE_WORKER"],
        # A new release, or new limits, make a new worker: it drops what the old one kept.
        version=f"{code_version()}-{shop.id}-{config['SERVICE_WORKER_PAGES']}"
        f"-{config['SERVICE_WORKER_MEGABYTES']}",
        shop=shop,
        scope=scope,
        max_pages=config["SERVICE_WORKER_PAGES"],
        max_bytes=round(config["SERVICE_WORKER_MEGABYTES"] * 1_000_000),
    )
    response = current_app.response_class(script, mimetype="text/javascript")
    response.set_etag(hashlib.sha256(script.encode()).hexdigest()[:32])
    response.make_conditional(request)  # the check made on every visit: a 304 mostly
    response.headers["Cache-Control"] = SCRIPT_CACHE
    # Its scope, /s/<slug>, is above the script's own folder: allowed by this header.
    response.headers["Service-Worker-Allowed"] = scope
    return response
