"""Shop subdomains (SHOP_DOMAIN): routing, redirects from the path form, links, old slugs."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.models import Shop, ShopSlugRedirect
from shop.shops.slugs import SlugError, check_slug
from shop.storefront.fast.page_cache import EXTENSION, LocalPages
from shop.storefront.hosts import slug_of_host
from tests.storefront.shopper import build_shop, cart, orders

SHOP = "http://tienda-sol.example.shop"
MAIN = "http://vitrina.example.com"


@pytest.fixture
def ids(app):
    app.config["SHOP_DOMAIN"] = "example.shop"
    return build_shop(app)


def get(client, url: str, **kwargs):
    """GET a full URL: the host goes in the Host header, as a browser sends it."""
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    return client.get("/" + path, base_url=f"{scheme}://{host}", **kwargs)


@pytest.mark.parametrize(
    ("host", "slug"),
    [
        ("tienda-sol.example.shop", "tienda-sol"),
        ("Tienda-Sol.Example.Shop", "tienda-sol"),
        ("tienda-sol.example.shop:443", "tienda-sol"),
        ("tienda-sol.example.shop.", "tienda-sol"),
        ("demo.example.shop", "demo"),
        ("example.shop", None),
        ("www.example.shop", None),
        ("api.example.shop", None),
        ("static.example.shop", None),
        ("a.b.example.shop", None),
        ("tienda_sol.example.shop", None),
        ("-x.example.shop", None),
        ("a--b.example.shop", None),
        ("xn--caf-dma.example.shop", None),
        ("tienda-sol.example.shop.evil.test", None),
        ("tienda-solexample.shop", None),
        ("", None),
        (None, None),
        ("😀.example.shop", None),
        ("x" * 64 + ".example.shop", None),
    ],
)
def test_which_hosts_are_shops(host, slug):
    assert slug_of_host(host, "example.shop") == slug


def test_no_host_is_a_shop_without_a_domain():
    assert slug_of_host("tienda-sol.example.shop", None) is None


def test_a_port_in_the_domain_must_match():
    assert slug_of_host("tienda-sol.localhost:5000", "localhost:5000") == "tienda-sol"
    assert slug_of_host("tienda-sol.localhost:5001", "localhost:5000") is None


@pytest.mark.parametrize("word", ["www", "api", "static", "media", "admin", "mail"])
def test_reserved_host_words_cannot_become_shops(app, word):
    with app.test_request_context(), pytest.raises(SlugError):
        check_slug(word)


def test_the_shop_page_answers_on_its_host_with_links_in_that_form(client, ids):
    response = get(client, SHOP + "/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Camiseta azul" in page
    assert f'<link rel="canonical" href="{SHOP}/">' in page
    assert f'<meta property="og:url" content="{SHOP}/">' in page
    assert f'href="/p/{ids.shirt}"' in page
    assert 'href="/cart"' in page
    assert "/s/tienda-sol" not in page
    assert "Set-Cookie" not in response.headers


def test_product_cart_form_and_feed_answer_on_the_shop_host(client, ids):
    product = get(client, f"{SHOP}/p/{ids.shirt}")
    assert product.status_code == 200
    assert f'<link rel="canonical" href="{SHOP}/p/{ids.shirt}">' in product.get_data(as_text=True)
    cart_page = get(client, SHOP + "/cart")
    assert cart_page.status_code == 200
    assert 'action="/checkout"' in cart_page.get_data(as_text=True)
    form = get(client, f"{SHOP}/p/{ids.shirt}/order")
    assert form.status_code == 200
    assert 'action="/checkout"' in form.get_data(as_text=True)
    feed = get(client, SHOP + "/catalog.csv")
    assert feed.status_code == 200
    assert f"{SHOP}/p/{ids.shirt}" in feed.get_data(as_text=True)
    assert get(client, SHOP + "/p/999999").status_code == 404
    assert get(client, SHOP + "/static/css/shop.css").status_code == 200


def test_checkout_on_the_shop_host_links_the_order_there(app, client, ids):
    response = client.post("/checkout", json=cart(ids), base_url=SHOP, headers={"Origin": SHOP})
    assert response.status_code == 200, response.get_json()
    (order,) = orders(app, ids.shop)
    assert response.get_json()["order_url"] == f"{SHOP}/o/{order.token}"
    page = get(client, f"{SHOP}/o/{order.token}")
    assert page.status_code == 200
    assert "Camiseta azul" in page.get_data(as_text=True)
    # Another shop's host sends the shopper to the order's own.
    elsewhere = get(client, f"http://otra-tienda.example.shop/o/{order.token}")
    assert elsewhere.status_code == 302
    assert elsewhere.headers["Location"] == f"{SHOP}/o/{order.token}"
    # The main host still answers the links in messages sent before.
    assert get(client, f"{MAIN}/o/{order.token}").status_code == 200


def test_checkout_from_another_shops_host_is_refused(app, client, ids):
    response = client.post(
        "/checkout",
        json=cart(ids),
        base_url=SHOP,
        headers={"Origin": "http://otra-tienda.example.shop", "Sec-Fetch-Site": "same-site"},
    )
    assert response.status_code == 403
    assert orders(app, ids.shop) == []


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/s/tienda-sol", "/"),
        ("/s/tienda-sol/cart", "/cart"),
        ("/s/tienda-sol/catalog.csv", "/catalog.csv"),
        ("/s/tienda-sol?utm_source=ig&q=", "/?utm_source=ig&q="),
        ("/s/TIENDA-SOL", "/"),
    ],
)
def test_the_path_form_redirects_permanently_to_the_host_form(client, ids, path, target):
    response = get(client, MAIN + path)
    assert response.status_code == 301
    assert response.headers["Location"] == SHOP + target
    assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_a_product_path_redirects_and_head_too(client, ids):
    for method in (client.get, client.head):
        response = method(f"/s/tienda-sol/p/{ids.shirt}", base_url=MAIN)
        assert response.status_code == 301
        assert response.headers["Location"] == f"{SHOP}/p/{ids.shirt}"


def test_old_slugs_redirect_in_both_forms_in_one_hop(app, client, ids):
    with app.app_context():
        db.session.add(ShopSlugRedirect(slug="sol-viejo", shop_id=ids.shop))
        db.session.commit()
    by_path = get(client, f"{MAIN}/s/sol-viejo/p/{ids.shirt}?ref=post")
    assert by_path.status_code == 301
    assert by_path.headers["Location"] == f"{SHOP}/p/{ids.shirt}?ref=post"
    by_host = get(client, f"http://sol-viejo.example.shop/p/{ids.shirt}")
    assert by_host.status_code == 301
    assert by_host.headers["Location"] == f"{SHOP}/p/{ids.shirt}"
    assert get(client, "http://sol-viejo.example.shop/").headers["Location"] == SHOP + "/"


def test_unknown_shops_are_404_in_both_forms(client, ids):
    assert get(client, MAIN + "/s/nadie-aqui").status_code == 404
    assert get(client, "http://nadie-aqui.example.shop/").status_code == 404
    assert get(client, "http://nadie-aqui.example.shop/p/1").status_code == 404


def test_a_form_posted_to_the_path_form_is_still_taken(app, client, ids):
    response = client.post("/s/tienda-sol/checkout", json=cart(ids), base_url=MAIN)
    assert response.status_code == 200
    assert len(orders(app, ids.shop)) == 1


def test_the_dashboard_and_sign_in_stay_on_the_main_host(client, ids):
    assert get(client, SHOP + "/dashboard").status_code == 404
    assert get(client, SHOP + "/login").status_code == 404
    assert get(client, SHOP + "/operator/").status_code == 404
    assert get(client, MAIN + "/dashboard").status_code == 302
    front = get(client, "http://www.example.shop/")
    assert front.status_code == 200
    assert "Camiseta azul" not in front.get_data(as_text=True)


def test_the_merchant_sees_the_host_form_link(app, client, merchant, sign_in_as):
    app.config["SHOP_DOMAIN"] = "example.shop"
    _user_id, shop_id = merchant
    with app.app_context():
        slug = db.session.get(Shop, shop_id).slug
    page = client.get("/dashboard").get_data(as_text=True)
    assert f"http://{slug}.example.shop/" in page


def test_the_sitemap_lists_host_form_urls(client, ids):
    sitemap = get(client, MAIN + "/sitemap.xml").get_data(as_text=True)
    assert f"<loc>{SHOP}/</loc>" in sitemap
    assert f"<loc>{SHOP}/p/{ids.shirt}</loc>" in sitemap
    assert "/s/" not in sitemap


def test_without_a_shop_domain_nothing_changes(app, client, ids):
    app.config["SHOP_DOMAIN"] = None
    response = get(client, MAIN + "/s/tienda-sol")
    assert response.status_code == 200
    assert f'href="/s/tienda-sol/p/{ids.shirt}"' in response.get_data(as_text=True)
    front = get(client, SHOP + "/")
    assert "Camiseta azul" not in front.get_data(as_text=True)


def test_kept_pages_are_kept_per_host(app, client, ids):
    """A page kept for the path form (before SHOP_DOMAIN was set, say in Redis) is never
    served for the host form or instead of the redirect, and the other way round."""
    app.extensions[EXTENSION] = LocalPages()
    app.config["SHOP_DOMAIN"] = None
    path_page = get(client, MAIN + "/s/tienda-sol")
    etag = path_page.headers["ETag"]
    assert get(client, MAIN + "/s/tienda-sol").data == path_page.data  # kept
    app.config["SHOP_DOMAIN"] = "example.shop"
    assert get(client, MAIN + "/s/tienda-sol").status_code == 301
    assert get(client, MAIN + "/s/tienda-sol", headers={"If-None-Match": etag}).status_code == 301
    first = get(client, SHOP + "/")
    again = get(client, SHOP + "/")  # now from the fast path
    assert again.status_code == 200
    assert again.data == first.data
    assert b'href="/cart"' in again.data
    assert b"/s/tienda-sol" not in again.data
    other_port = client.get("/", base_url="http://tienda-sol.example.shop:8080")
    assert other_port.status_code == 200


def test_the_settings_form_shows_the_link_as_a_host(app, client, merchant):
    app.config["SHOP_DOMAIN"] = "example.shop"
    page = client.get("/dashboard/settings").get_data(as_text=True)
    assert ">.example.shop</span>" in page
    assert "/s/</span>" not in page
