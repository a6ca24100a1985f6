"""A big catalog in parts (storefront/fast/parts.py): the shop page sends its first
cards and a plain link per later category; the parts are public, cacheable pages that
reach every visible product exactly once, with or without JavaScript."""

from __future__ import annotations

import html
import re

import pytest

from shop.extensions import db
from shop.storefront.fast.page_cache import EXTENSION, LocalPages
from tests import factories
from tests.storefront.big_catalog import SIZES, Catalog, build_big_catalog
from tests.storefront.test_performance import counting, set_price, text

CARD = re.compile(r'<li class="card[" ]')
PRODUCT = re.compile(r'class="card-link" href="/s/grande/p/(\d+)[^"]*"')
MORE = re.compile(
    r'<p class="section-more" data-part="([^"]+)">'
    r'<a class="button secondary" href="([^"]+)">([^<]+)</a>'
)
HEADING = re.compile(r"<h2>([^<]+)</h2>")


@pytest.fixture
def catalog(app) -> Catalog:
    return build_big_catalog(app)


def test_the_shop_page_sends_the_first_part_and_a_link_per_later_category(client, catalog):
    page = client.get("/s/grande").get_data(as_text=True)
    assert len(CARD.findall(page)) == 60  # Cuencos' first part: 60 of its 70
    assert HEADING.findall(page) == [*SIZES, "Other"]  # every category, for jumps
    links = [(data, href, html.unescape(label)) for data, href, label in MORE.findall(page)]
    ids = catalog.categories
    assert links == [
        (f"/s/grande/c/{ids['Cuencos']}/2",) * 2 + ("See 10 more products",),
        (f"/s/grande/c/{ids['Tazas']}",) * 2 + ("See the 50 products",),
        (f"/s/grande/c/{ids['Platos']}",) * 2 + ("See the 50 products",),
        (f"/s/grande/c/{ids['Jarrones']}",) * 2 + ("See the 50 products",),
        (f"/s/grande/c/{ids['Teteras']}",) * 2 + ("See the 30 products",),
        ("/s/grande/c/other",) * 2 + ("See the 15 products",),
    ]
    assert "shop-sections" in page


def test_plain_links_reach_every_visible_product_exactly_once(client, catalog):
    seen: list[int] = []
    queue, visited = ["/s/grande"], set()
    while queue:
        url = queue.pop(0)
        visited.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        seen += [int(found) for found in PRODUCT.findall(page)]
        queue += [href for _, href, _ in MORE.findall(page) if href not in visited]
    assert sorted(seen) == sorted(catalog.visible)
    assert not set(seen) & catalog.hidden
    assert len(visited) == 7  # the shop page, Cuencos' second part, five categories' first


def test_a_part_is_a_public_cacheable_page_without_cookies(app, client, catalog):
    app.extensions[EXTENSION] = LocalPages()
    url = f"/s/grande/c/{catalog.categories['Tazas']}"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in first.headers
    with counting(app) as statements:
        kept = client.get(url)
    assert len(statements) == 1  # the fast path: the shop's row, then the kept page
    assert text(kept) == text(first)
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    set_price(app, catalog.first_item, 999)  # any catalog change is a new version
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_a_part_takes_two_statements(app, client, catalog):
    with counting(app) as statements:
        response = client.get(f"/s/grande/c/{catalog.categories['Cuencos']}/2")
    assert response.status_code == 200
    assert len(CARD.findall(response.get_data(as_text=True))) == 10
    assert len(statements) == 2


def test_parts_that_do_not_exist_are_404(app, client, catalog):
    with app.app_context():
        other = factories.make_shop(factories.make_user("Eva"), slug="ajena")
        theirs = factories.make_category(other, "Suya")
        factories.make_item(other, theirs, name="Ajena")
        db.session.commit()
        foreign = theirs.id
    cuencos = catalog.categories["Cuencos"]
    for url in (
        f"/s/grande/c/{foreign}",  # another shop's category
        f"/s/grande/c/{cuencos}/3",  # past its last part
        f"/s/grande/c/{cuencos}/1",  # part 1 has one address, without the number
        "/s/grande/c/999999",
        "/s/grande/c/0",
        "/s/grande/c/abc",
        "/s/grande/c/" + "9" * 40,
        "/s/grande/c/%F0%9F%8C%BB",
    ):
        assert client.get(url).status_code == 404, url


def test_a_part_speaks_the_picked_language_and_keeps_it(client, catalog):
    page = client.get(f"/s/grande/c/{catalog.categories['Cuencos']}?lang=es").get_data(as_text=True)
    assert "Todos los productos" in page
    assert f"/s/grande/c/{catalog.categories['Cuencos']}/2?lang=es" in page


def test_a_small_shop_is_sent_whole(client, app):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="chica")
        category = factories.make_category(shop, "Todo")
        for n in range(120):
            factories.make_item(shop, category, name=f"Cosa {n}")
        db.session.commit()
    page = client.get("/s/chica").get_data(as_text=True)
    assert len(CARD.findall(page)) == 120
    assert "data-part" not in page
    assert "shop-sections" not in page


def test_a_search_looks_at_the_whole_catalog(client, catalog):
    page = client.get("/s/grande?q=Teteras 29").get_data(as_text=True)
    assert len(CARD.findall(page)) == 1
    assert "data-part" not in page


@pytest.mark.parametrize(
    ("base_url", "query", "shop_domain"),
    [
        ("http://localhost", "", None),
        ("http://localhost", "lang=en", None),  # a picked language is carried
        ("http://localhost", "lang=pt_BR&q=x", None),
        ("https://example.shop", "", "example.shop"),  # links in the shop's host form
        ("https://grande.example.shop", "lang=en", "example.shop"),
    ],
)
def test_part_links_are_the_links_url_for_makes(app, base_url, query, shop_domain):
    """The pattern the shop page's part links are filled in from writes what url_for
    would, for every category key and part number, wherever the page is served."""
    from flask import url_for

    from shop.storefront.fast import part_links

    app.config["SHOP_DOMAIN"] = shop_domain
    path = "/" if base_url.startswith("https://grande.") else "/s/grande"
    with app.test_request_context(path, base_url=base_url, query_string=query):
        part_url = part_links("grande")
        for key in ("7", "123456", "other"):
            for number in (1, 2, 3, 99991, 100000):
                expected = url_for(
                    "storefront.shop_part", slug="grande", section=key, number=number
                )
                assert part_url(key, number) == expected


def test_category_names_are_escaped_in_the_list_headings_and_later_parts(app, client, catalog):
    """A category named like markup reads as text everywhere the page names it: the
    jump list, a first section's heading, a later category's heading and its part."""
    from shop.models import Category

    names = {"Cuencos": '<b>Cuencos</b> & "Ñandú" 🌻', "Teteras": "<script>x()</script> Teteras"}
    with app.app_context():
        for old, new in names.items():
            db.session.get(Category, catalog.categories[old]).name = new
        db.session.commit()
    page = client.get("/s/grande").get_data(as_text=True)
    assert "<b>Cuencos" not in page
    assert "<script>x()" not in page
    first = "&lt;b&gt;Cuencos&lt;/b&gt; &amp; &#34;Ñandú&#34; 🌻"
    later = "&lt;script&gt;x()&lt;/script&gt; Teteras"
    assert HEADING.findall(page)[0] == first
    assert later in HEADING.findall(page)
    nav = re.findall(r'<li><a href="#c-[0-9a-z]+">([^<]+)</a></li>', page)
    assert nav[0] == first
    assert later in nav
    assert nav[-1] == "Other"
    part = client.get(f"/s/grande/c/{catalog.categories['Teteras']}").get_data(as_text=True)
    assert f"<h1>{later}</h1>" in part
    assert "<script>x()" not in part
