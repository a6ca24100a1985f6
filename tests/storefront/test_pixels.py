"""Ads pixels (issue 23), on the server: ids checked by shape, a page flag and a consent
banner only for a shop that set one, that shop's Content-Security-Policy naming exactly
the pixel's hosts on its public pages, and every other shop untouched."""

from __future__ import annotations

import json
import re

import pytest

from shop.extensions import db
from shop.lib.pixels import PixelError, clean_ga4_id, clean_meta_pixel_id
from shop.models import Shop
from shop.shops.settings import set_pixels
from tests import factories
from tests.storefront.shopper import build_shop, post_cart

EN = {"Accept-Language": "en"}
META, GA4 = "123456789012345", "G-ABC123DEF4"
META_HOSTS = ("https://connect.facebook.net", "https://www.facebook.com")
GA4_HOSTS = ("https://www.googletagmanager.com", "https://www.google-analytics.com")


@pytest.fixture
def ids(app):
    return build_shop(app)


def pixels(app, shop_id: int, meta=None, ga4=None) -> None:
    with app.app_context():
        set_pixels(db.session.get(Shop, shop_id), meta_pixel_id=meta, ga4_measurement_id=ga4)
        db.session.commit()


def same_page(html: str) -> str:
    """The page without the no-JS order form's idempotency key, new on every request."""
    return re.sub(r'value="[A-Za-z0-9_-]{32}"', 'value="key"', html)


def public_pages(ids) -> list[str]:
    return [
        f"/s/{ids.slug}",
        f"/s/{ids.slug}/p/{ids.shirt}",
        f"/s/{ids.slug}/cart",
        f"/s/{ids.slug}?q=gorra",
        f"/s/{ids.slug}/privacy",
        f"/s/{ids.slug}/p/{ids.shirt}/order",
    ]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("123456789012345", "123456789012345"),
        (" 1234 5678 9012 3456 ", "1234567890123456"),
        ("", None),
    ],
)
def test_a_meta_pixel_id_is_digits(typed, kept):
    assert clean_meta_pixel_id(typed) == kept


@pytest.mark.parametrize(
    "typed", ["abc", "12345", "1234567890123456789012", "123<script>", "١٢٣٤٥٦٧٨٩٠"]
)
def test_a_wrong_meta_pixel_id_is_refused(typed):
    with pytest.raises(PixelError, match="15 or 16 digits"):
        clean_meta_pixel_id(typed)


@pytest.mark.parametrize(("typed", "kept"), [("g-abc123def4", "G-ABC123DEF4"), ("  ", None)])
def test_a_ga4_id_is_kept_in_capitals(typed, kept):
    assert clean_ga4_id(typed) == kept


@pytest.mark.parametrize(
    "typed", ["UA-1234-1", "G-", "G-ABC 123 😀", "GTM-ABCDEF", "G-" + "A" * 30]
)
def test_a_wrong_ga4_id_is_refused(typed):
    with pytest.raises(PixelError, match="G-ABC123DEF4"):
        clean_ga4_id(typed)


def test_the_merchant_turns_pixels_on_and_off(app, client, merchant):
    _, shop_id = merchant
    page = client.get("/dashboard/ads")
    assert page.status_code == 200

    saved = client.post(
        "/dashboard/ads", data={"meta_pixel_id": META, "ga4_measurement_id": "g-abc123def4"}
    )
    assert saved.status_code == 302
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        assert (shop.meta_pixel_id, shop.ga4_measurement_id) == (META, GA4)

    client.post("/dashboard/ads", data={"meta_pixel_id": "", "ga4_measurement_id": ""})
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        assert (shop.meta_pixel_id, shop.ga4_measurement_id) == (None, None)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_wrong_id_is_refused_with_a_clear_message_and_nothing_saved(
    app, client, merchant, language
):
    _, shop_id = merchant
    pixels(app, shop_id, meta=META)

    page = client.post(
        "/dashboard/ads",
        data={"meta_pixel_id": "12-34", "ga4_measurement_id": "UA-1-1"},
        headers={"Accept-Language": language},
    )

    assert page.status_code == 422
    text = page.get_data(as_text=True)
    if language == "en":
        assert "15 or 16 digits" in text
    else:
        assert "15 o 16 dígitos" in text
    assert 'value="12-34"' in text  # what was typed stays in the form
    with app.app_context():
        assert db.session.get(Shop, shop_id).meta_pixel_id == META


def test_a_shop_without_pixels_carries_nothing_of_them(app, client, ids):
    usual = {path: client.get(path, headers=EN) for path in public_pages(ids)}
    pixels(app, ids.shop, meta=META, ga4=GA4)
    for path in public_pages(ids):
        assert (
            client.get(path, headers=EN).headers["Content-Security-Policy"]
            != (usual[path].headers["Content-Security-Policy"])
        )
    pixels(app, ids.shop)  # turned off again: the pages are exactly as before

    for path, before in usual.items():
        page = client.get(path, headers=EN)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert page.headers["Content-Security-Policy"] == before.headers["Content-Security-Policy"]
        assert same_page(html) == same_page(before.get_data(as_text=True)), path
        for trace in ("data-pixels", "consent", "facebook", "google"):
            assert trace not in html, (path, trace)


def test_a_pixel_shop_asks_first_and_allows_exactly_its_hosts(app, client, ids):
    pixels(app, ids.shop, meta=META)

    for path in public_pages(ids):
        for _ in range(2):  # rendered, then from the page cache: the same header
            page = client.get(path, headers=EN)
            policy = page.headers["Content-Security-Policy"]
            assert all(host in policy for host in META_HOSTS), path
            assert not any(host in policy for host in GA4_HOSTS), path
            assert "unsafe-inline" not in policy
            assert "nonce-" not in policy
            assert "Set-Cookie" not in page.headers
    html = client.get(f"/s/{ids.slug}", headers=EN).get_data(as_text=True)
    flag = re.search(r"data-pixels='([^']*)'", html)
    assert flag is not None
    assert json.loads(flag.group(1)) == {"meta": META, "currency": "EUR", "exponent": 2}
    assert "js/consent" in html
    assert "Meta (Facebook, Instagram)" in html
    assert "Google" not in html.split("data-consent")[1].split("</section>")[0]


def test_another_shop_keeps_the_usual_policy(app, client, ids):
    pixels(app, ids.shop, meta=META, ga4=GA4)

    other = client.get(f"/s/otra-tienda/p/{ids.other_item}", headers=EN)

    assert "facebook" not in other.headers["Content-Security-Policy"]
    assert "google" not in other.headers["Content-Security-Policy"]
    assert "data-pixels" not in other.get_data(as_text=True)


def test_the_dashboard_never_allows_the_pixels(app, client, merchant):
    _, shop_id = merchant
    pixels(app, shop_id, meta=META, ga4=GA4)

    for path in ("/dashboard/", "/dashboard/ads", "/dashboard/orders"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "facebook" not in policy
        assert "google" not in policy


def test_turning_a_pixel_on_moves_the_pages_etag(app, client, ids):
    before = client.get(f"/s/{ids.slug}", headers=EN).headers["ETag"]
    pixels(app, ids.shop, ga4=GA4)

    page = client.get(f"/s/{ids.slug}", headers={**EN, "If-None-Match": before})

    assert page.status_code == 200
    assert GA4 in page.get_data(as_text=True)


def test_the_order_page_carries_the_purchase_once_for_a_pixel_shop(app, client, ids):
    pixels(app, ids.shop, meta=META)
    placed = post_cart(client, ids).get_json()

    page = client.get(placed["order_url"].replace("http://localhost", ""), headers=EN)

    html = page.get_data(as_text=True)
    assert html.count("data-purchase") == 1
    assert f'"id": "{ids.shop}-{placed["number"]}"' in html
    assert all(host in page.headers["Content-Security-Policy"] for host in META_HOSTS)


def test_the_privacy_page_names_the_pixels_in_the_shops_language(app, client, ids):
    with app.app_context():
        db.session.get(Shop, ids.shop).language = "es"
        db.session.commit()
    no_pixel = client.get(f"/s/{ids.slug}/privacy").get_data(as_text=True)
    pixels(app, ids.shop, meta=META, ga4=GA4)

    page = client.get(f"/s/{ids.slug}/privacy").get_data(as_text=True)

    assert "ningún píxel" in no_pixel
    assert "Píxel de Meta" in page
    assert "Google Analytics 4" in page
    assert "Meta (Facebook, Instagram) y Google" in page


def test_a_hostile_shop_name_stays_inert_in_the_banner(app, client):
    with app.app_context():
        shop = factories.make_shop(
            factories.make_user(), slug="mala", name="<img src=x onerror=alert(1)> 🛍️"
        )
        db.session.commit()
        set_pixels(shop, meta_pixel_id=META, ga4_measurement_id=None)
        db.session.commit()

    html = client.get("/s/mala", headers=EN).get_data(as_text=True)

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; 🛍️" in html
