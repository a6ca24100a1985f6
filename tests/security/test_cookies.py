"""Cookies and caching (ASVS V3.3 cookie setup, V7 session management, V14 data protection).

Public pages set no cookie at all and never vary on one (a viral shop page is served
from caches), whatever their status and whoever asks (shop.web.sessions), the
merchant's session cookie is HttpOnly, SameSite=Lax, small, and in production
Secure with the __Host- prefix; dashboard pages are never stored by a cache.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from werkzeug.http import parse_set_header

from shop import create_app
from shop.extensions import db
from shop.models import Shop
from tests import factories
from tests.conftest import _test_config
from tests.security.world import rules, url_for_rule

# Pages for everyone, the landing page ("/") included (see shop/site/pages.py for how its
# language switch is protected without a cookie).
PUBLIC_BLUEPRINTS = ("site", "storefront", "media", "health", "static")


def public_rules(app):
    return [rule for rule in rules(app, "GET") if rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS]


def cookie_attributes(header: str) -> tuple[str, dict[str, str]]:
    """("name", {"httponly": "", "samesite": "Lax", ...}) from one Set-Cookie header."""
    first, *rest = (part.strip() for part in header.split(";"))
    name = first.split("=", 1)[0]
    attributes = {}
    for part in rest:
        key, _, value = part.partition("=")
        attributes[key.lower()] = value
    return name, attributes


def test_public_pages_set_no_cookie_for_shoppers(app, world):
    shopper = app.test_client()
    checked = 0
    for rule in public_rules(app):
        url = url_for_rule(app, rule, world)
        response = shopper.get(url)
        # Numbered sitemaps exist past 50,000 URLs only.
        assert response.status_code < 400 or rule.endpoint == "storefront.sitemap_page", url
        assert "Set-Cookie" not in response.headers, url
        if rule.endpoint.startswith(("storefront.", "media.", "static")):
            # What caches keep for everyone must not be split per visitor either.
            assert "Cookie" not in parse_set_header(response.headers.get("Vary", "")), url
        checked += 1
    assert checked >= 10


def test_public_pages_set_no_cookie_even_for_a_signed_in_merchant(app, client, world):
    for rule in public_rules(app):
        url = url_for_rule(app, rule, world)
        assert "Set-Cookie" not in client.get(url).headers, url


def test_public_errors_and_checkout_set_no_cookie(app, world):
    shopper = app.test_client()
    for response in (
        shopper.get("/s/no-such-shop"),
        shopper.get(f"/s/{world.slug}/p/999999"),
        shopper.get("/o/" + "x" * 43),
        shopper.post(f"/s/{world.slug}/checkout", json={"lines": []}),
        shopper.post(f"/s/{world.slug}/checkout", data={"item_id": "abc"}),
    ):
        assert "Set-Cookie" not in response.headers


def test_dashboard_pages_are_never_stored_and_vary_on_the_cookie(app, client, world):
    dashboard = [rule for rule in rules(app, "GET") if rule.endpoint.startswith("dashboard.")]
    assert len(dashboard) >= 15
    for rule in dashboard:
        url = url_for_rule(app, rule, world)
        response = client.get(url)
        # The world's owner opening their own shop's invitation is told they are in it.
        assert response.status_code == (410 if rule.endpoint == "dashboard.join" else 200), url
        assert "no-store" in response.headers["Cache-Control"], url
        assert "Cookie" in parse_set_header(response.headers["Vary"]), url


def test_session_cookie_is_httponly_lax_and_small(app, client, world):
    client.get("/dashboard")  # signed in, a shop picked: the fullest the session gets
    response = client.post("/language", data={"lang": "es", "next": "/dashboard"})
    name, attributes = cookie_attributes(response.headers["Set-Cookie"])
    assert name == app.config["SESSION_COOKIE_NAME"]
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    assert attributes["path"] == "/"
    assert "domain" not in attributes
    assert len(response.headers["Set-Cookie"]) < 400


@pytest.fixture
def production(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("VITRINA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "id")
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "secret")
    return create_app(_test_config(migrated, tmp_path / "media"))


def test_production_cookie_is_host_prefixed_and_secure(production):
    # Picking a language is what gives a visitor a cookie.
    response = production.test_client().post(
        "/language",
        data={"lang": "es"},
        base_url="https://vitrina.example",
        headers={"Origin": "https://vitrina.example", "Sec-Fetch-Site": "same-origin"},
    )
    name, attributes = cookie_attributes(response.headers["Set-Cookie"])
    assert name == "__Host-vitrina"
    # What the __Host- prefix demands, or browsers drop the cookie:
    assert "secure" in attributes
    assert attributes["path"] == "/"
    assert "domain" not in attributes
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"


def test_development_cookie_works_over_plain_http(app):
    assert app.config["SESSION_COOKIE_NAME"] == "session"
    assert app.config["SESSION_COOKIE_SECURE"] is False


# -- No cookie on any public response, whatever its status and whoever asks ------------

# Every public endpoint the walk below must reach (a new storefront route fails the
# coverage check until it is added here).
PUBLIC_ENDPOINTS = {"static", "media.serve"}


@dataclass(frozen=True)
class Case:
    label: str
    endpoint: str
    status: int
    send: Callable  # (client) -> response


def public_cases(app, world, gone_slug: str, old_slug: str) -> list[Case]:
    """One request per public route and status: anonymous visitors and merchants alike
    get these, and none may carry a cookie or vary on one."""
    shop = f"/s/{world.slug}"
    product = f"{shop}/p/{world.item}"
    origin = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    with app.test_request_context():
        from flask import url_for

        css = url_for("static", filename="css/shop.css")  # its fingerprinted name
    media = f"/media/{world.media_name}"
    order = f"/o/{world.order_token}"

    def get(path, **kwargs):
        return lambda client: client.get(path, **kwargs)

    def revalidate(path):
        def send(client):
            etag = client.get(path).headers["ETag"]
            return client.get(path, headers={"If-None-Match": etag})

        return send

    def checkout(slug=world.slug, **body):
        def send(client):
            return client.post(f"/s/{slug}/checkout", headers=origin, **body)

        return send

    def preview(**body):
        def send(client):
            return client.post(f"/s/{world.slug}/discount", headers=origin, **body)

        return send

    def beacon(body):
        def send(client):
            ua = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36"}
            return client.post(
                f"/s/{world.slug}/e", data=body, content_type="text/plain", headers=origin | ua
            )

        return send

    cart = {
        "lines": [{"item_id": world.item, "quantity": 1}],
        "shipping_method_id": world.method,
        "name": "Ana",
        "address": "Calle Mayor 1",
        "idempotency_key": uuid.uuid4().hex,
    }
    return [
        Case("shop page", "storefront.shop_page", 200, get(shop)),
        Case("shop page, kept (fast path)", "storefront.shop_page", 200, get(shop)),
        Case("shop page, 304", "storefront.shop_page", 304, revalidate(shop)),
        Case("search", "storefront.shop_page", 200, get(f"{shop}?q=camiseta")),
        Case("no such shop", "storefront.shop_page", 404, get("/s/no-such-shop")),
        Case("old link", "storefront.shop_page", 301, get(f"/s/{old_slug}")),
        Case("slash after the link", "storefront.shop_page_with_slash", 301, get(f"{shop}/")),
        Case("deleted shop", "storefront.shop_page", 410, get(f"/s/{gone_slug}")),
        Case("category part", "storefront.shop_part", 200, get(f"{shop}/c/{world.category}")),
        Case("no such part", "storefront.shop_part", 404, get(f"{shop}/c/{world.category}/9")),
        Case("product", "storefront.product_page", 200, get(product)),
        Case("manifest", "storefront.web_manifest", 200, get(f"{shop}/manifest.webmanifest")),
        Case("home-screen icon", "storefront.app_icon", 200, get(f"{shop}/icon-192.png")),
        Case("service worker", "storefront.service_worker", 200, get(f"{shop}/sw.js")),
        Case("product, 304", "storefront.product_page", 304, revalidate(product)),
        Case("no such product", "storefront.product_page", 404, get(f"{shop}/p/999999")),
        Case(
            "product, old link",
            "storefront.product_page",
            301,
            get(f"/s/{old_slug}/p/{world.rival_item}"),
        ),
        Case(
            "product of a deleted shop", "storefront.product_page", 410, get(f"/s/{gone_slug}/p/1")
        ),
        Case("order form", "storefront.product_checkout", 200, get(f"{product}/order")),
        Case("cart", "storefront.cart_page", 200, get(f"{shop}/cart")),
        Case("privacy page", "storefront.privacy_page", 200, get(f"{shop}/privacy")),
        Case("privacy, 304", "storefront.privacy_page", 304, revalidate(f"{shop}/privacy")),
        Case("cart, 304", "storefront.cart_page", 304, revalidate(f"{shop}/cart")),
        Case("feed", "storefront.catalog_feed", 200, get(f"{shop}/catalog.csv")),
        Case("feed, 304", "storefront.catalog_feed", 304, revalidate(f"{shop}/catalog.csv")),
        Case("feed, old link", "storefront.catalog_feed", 301, get(f"/s/{old_slug}/catalog.csv")),
        Case("sitemap", "storefront.sitemap", 200, get("/sitemap.xml")),
        Case("sitemap, 304", "storefront.sitemap", 304, revalidate("/sitemap.xml")),
        Case("numbered sitemap", "storefront.sitemap_page", 404, get("/sitemap-1.xml")),
        # A shop's own host's sitemap and robots.txt (issue 28).
        Case("shop sitemap", "storefront.shop_sitemap", 200, get(f"{shop}/sitemap.xml")),
        Case(
            "shop sitemap, 304", "storefront.shop_sitemap", 304, revalidate(f"{shop}/sitemap.xml")
        ),
        Case("shop robots", "storefront.shop_robots", 200, get(f"{shop}/robots.txt")),
        Case("order page", "storefront.order_page", 200, get(order)),
        Case("no such order", "storefront.order_page", 404, get("/o/" + "x" * 43)),
        Case("checkout", "storefront.checkout", 200, checkout(json=cart)),
        Case("checkout refused", "storefront.checkout", 422, checkout(json={"lines": []})),
        Case(
            "checkout refused, no JavaScript",
            "storefront.checkout",
            422,
            checkout(data={"item_id": str(world.item), "quantity": "1"}),
        ),
        Case("checkout, deleted shop", "storefront.checkout", 410, checkout(gone_slug, json=cart)),
        Case("discount preview", "storefront.discount_preview", 200, preview(json=cart)),
        Case(
            "discount preview, wrong code",
            "storefront.discount_preview",
            422,
            preview(json=cart | {"coupon": "NOPE"}),
        ),
        Case("times", "storefront.slot_times", 200, get(f"{shop}/times/{world.method}")),
        Case("no such times", "storefront.slot_times", 404, get(f"{shop}/times/2147483647")),
        Case("analytics event", "storefront.beacon", 204, beacon('{"k": "shop_view"}')),
        Case("analytics event, malformed", "storefront.beacon", 204, beacon("{")),
        Case("static file", "static", 200, get(css)),
        Case("static file, 304", "static", 304, revalidate(css)),
        Case("no such static file", "static", 404, get("/static/css/nope.css")),
        Case("photo", "media.serve", 200, get(media)),
        Case("photo, 304", "media.serve", 304, revalidate(media)),
        Case("no such photo", "media.serve", 404, get("/media/nope.jpg")),
    ]


@pytest.fixture
def public_world(app, world):
    """The world, plus an old link (the rival shop moved) and a deleted shop's link;
    pages are kept, so the fast path answers repeated requests."""
    from shop.shops.deletion import delete_shop
    from shop.shops.settings import change_slug
    from shop.storefront.fast.page_cache import EXTENSION, LocalPages

    with app.app_context():
        change_slug(db.session.get(Shop, world.rival_shop), "rival-nuevo")
        gone = factories.make_shop(factories.make_user("Ida"), slug="cerrada", name="Cerrada")
        db.session.commit()
        delete_shop(gone, "Cerrada")
        db.session.commit()
    app.extensions[EXTENSION] = LocalPages()
    return world


@pytest.mark.parametrize("visitor", ["anonymous", "signed-in merchant"])
def test_no_public_response_carries_a_cookie_or_varies_on_one(app, client, public_world, visitor):
    if visitor == "anonymous":
        browser = app.test_client()
    else:
        browser = client  # signed in, with a language picked: a full session cookie
        browser.post("/language", data={"lang": "en", "next": "/dashboard"})
        assert browser.get_cookie(app.config["SESSION_COOKIE_NAME"]) is not None
    covered = set()
    for case in public_cases(app, public_world, gone_slug="cerrada", old_slug="rival"):
        response = case.send(browser)
        assert response.status_code == case.status, case.label
        assert "Set-Cookie" not in response.headers, case.label
        assert "Cookie" not in parse_set_header(response.headers.get("Vary", "")), case.label
        covered.add(case.endpoint)
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("storefront.") or rule.endpoint in PUBLIC_ENDPOINTS
    }
    assert covered == public, f"public routes this walk misses: {sorted(public - covered)}"
