"""Shop, product and cart pages as a shopper's browser receives them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from shop.extensions import db
from shop.models import Availability, Item, Shop
from shop.shops.settings import change_slug
from tests import factories
from tests.storefront.shopper import build_shop


@pytest.fixture
def ids(app):
    return build_shop(app)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_shop_page_shows_name_description_categories_and_prices(client, ids):
    response = client.get("/s/tienda-sol")
    html = _text(response)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "<h1>Tienda Sol</h1>" in html
    assert "Ropa y accesorios" in html
    assert html.index("Camisetas") < html.index("Gorras")
    assert "Camiseta azul" in html
    assert "€20.00" in html
    # The sale price, with the old one struck through.
    assert re.search(r'<s class="price-was">.*€12.00</s>', html)
    # Uncategorised items come last, under their own heading.
    assert html.index("Gorras") < html.index("Arreglo")
    assert 'href="#c-other"' in html


def test_shop_page_never_shows_hidden_items(client, ids):
    assert "Secreta" not in _text(client.get("/s/tienda-sol"))


def test_shop_page_marks_sold_out_items(client, ids):
    html = _text(client.get("/s/tienda-sol"))
    card = html[html.index("Agotada") - 600 : html.index("Agotada") + 600]
    assert "is-sold-out" in card
    assert 'class="sold-out"' in card


def test_shop_page_escapes_what_merchants_type(app, client):
    with app.app_context():
        shop = factories.make_shop(
            factories.make_user(),
            slug="xss",
            name="<script>alert(1)</script>",
            description="línea 1\n<b>línea 2</b>",
        )
        factories.make_item(shop, name='"><img src=x onerror=alert(1)>')
        db.session.commit()
    html = _text(client.get("/s/xss"))
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;línea 2&lt;/b&gt;" in html


def test_search_filters_on_the_server(client, ids):
    html = _text(client.get("/s/tienda-sol?q=gorr"))
    assert "Gorra" in html
    assert "Camiseta azul" not in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    ("fields", "query"),
    [
        ({"name": "Peluche de ñandú"}, "ÑANDÚ"),
        ({"description": "Algodón orgánico 🌱"}, "ALGODÓN"),
        ({"code": "SKU-77"}, "sku-7"),
        ({"name": "CAMISA Grande"}, "camisa gRANDE"),  # ASCII: SQLite's own LIKE
        ({"description": "hecho a mano"}, "HECHO"),
    ],
)
def test_search_finds_name_description_and_code_whatever_the_case(app, client, ids, fields, query):
    with app.app_context():
        item = db.session.get(Item, ids.shirt)
        for name, value in fields.items():
            setattr(item, name, value)
        db.session.commit()

    html = _text(client.get(f"/s/tienda-sol?q={query}"))

    assert f"/s/tienda-sol/p/{ids.shirt}" in html
    assert f"/s/tienda-sol/p/{ids.cap}" not in html


def test_search_treats_wildcards_as_text(client, ids):
    assert "Camiseta azul" not in _text(client.get("/s/tienda-sol?q=%25"))
    assert "Camiseta azul" not in _text(client.get("/s/tienda-sol?q=_"))


@pytest.mark.parametrize(
    "query", ["%00", "a%00b", "%E2%80%AE", "%F0%9F%8E%89", "'; DROP TABLE item;--"]
)
def test_search_survives_odd_text(client, ids, query):
    assert client.get(f"/s/tienda-sol?q={query}").status_code == 200


def test_search_without_matches_says_so(client, ids):
    html = _text(client.get("/s/tienda-sol?q=zzz" + "z" * 500))
    assert "No products match your search." in html


def test_shop_page_for_an_unknown_slug_is_404(client, ids):
    assert client.get("/s/no-such-shop").status_code == 404
    assert client.get("/s/..%2F..%2Fetc").status_code == 404


def test_product_page_shows_description_with_line_breaks_escaped(app, client, ids):
    with app.app_context():
        item = db.session.get(Item, ids.shirt)
        item.description = "Algodón 100 %\nTalla M\n<script>x()</script>"
        db.session.commit()
    html = _text(client.get(f"/s/tienda-sol/p/{ids.shirt}"))
    assert "Algodón 100 %\nTalla M\n&lt;script&gt;x()&lt;/script&gt;" in html
    assert 'class="product-description pre-line"' in html
    assert "€20.00" in html
    assert f'action="/s/tienda-sol/p/{ids.shirt}/order"' in html


def test_product_page_of_a_service_has_no_shipping_talk(client, ids):
    service = _text(client.get(f"/s/tienda-sol/p/{ids.service}"))
    product = _text(client.get(f"/s/tienda-sol/p/{ids.shirt}"))
    assert "delivery or pickup" in product
    assert "delivery or pickup" not in service


def test_product_page_of_a_sold_out_item_offers_no_order(client, ids):
    html = _text(client.get(f"/s/tienda-sol/p/{ids.sold_out}"))
    assert "Sold out" in html
    assert "data-product-form" not in html


@pytest.mark.parametrize("which", ["hidden", "other_item"])
def test_product_page_hides_hidden_and_other_shops_items(client, ids, which):
    assert client.get(f"/s/tienda-sol/p/{getattr(ids, which)}").status_code == 404


def test_product_page_for_a_deleted_item_is_404(client, ids):
    assert client.get("/s/tienda-sol/p/999999").status_code == 404


def test_old_slug_redirects_permanently_to_the_shop_and_its_products(app, client, ids):
    with app.app_context():
        change_slug(db.session.get(Shop, ids.shop), "sol-nuevo")
        db.session.commit()
    response = client.get("/s/tienda-sol?q=gorra")
    assert response.status_code == 301
    assert response.headers["Location"] == "/s/sol-nuevo?q=gorra"
    response = client.get(f"/s/tienda-sol/p/{ids.cap}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/s/sol-nuevo/p/{ids.cap}"
    assert client.get("/s/tienda-sol/cart").headers["Location"] == "/s/sol-nuevo/cart"
    assert client.get(f"/s/sol-nuevo/p/{ids.cap}").status_code == 200


def test_upper_case_slug_redirects_to_the_real_one(client, ids):
    response = client.get("/s/Tienda-Sol")
    assert response.status_code == 301
    assert response.headers["Location"] == "/s/tienda-sol"


def test_cart_page_carries_current_prices_and_shipping_methods(client, ids):
    html = _text(client.get("/s/tienda-sol/cart"))
    assert "Entrega a domicilio" in html
    assert "Recogida en tienda" in html
    assert "Mensajero" not in html  # retired
    data = re.search(
        r'<script type="application/json" id="catalog-data">(.*?)</script>', html, re.S
    )
    import json

    catalog = json.loads(data.group(1))
    assert catalog[str(ids.shirt)] == {
        "name": "Camiseta azul",
        "price": 2000,
        "available": True,
        "service": False,
    }
    assert catalog[str(ids.sold_out)]["available"] is False
    assert str(ids.hidden) not in catalog
    assert str(ids.other_item) not in catalog


def test_cart_page_preselects_a_shops_only_shipping_method(app, client):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="one-way", language="en")
        method = factories.make_shipping(shop, name="Courier")
        db.session.commit()
        method_id = method.id
    html = _text(client.get("/s/one-way/cart"))
    assert re.search(rf'value="{method_id}" required[^>]*checked', html)


def test_cart_page_of_a_shop_without_shipping_asks_for_an_optional_address(app, client):
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="no-ship", language="en")
        db.session.commit()
    html = _text(client.get("/s/no-ship/cart"))
    assert "shipping_method_id" not in html
    assert "Address (optional)" in html


def test_paused_shop_can_be_browsed_but_says_it_takes_no_orders(app, client, ids):
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        shop.paused, shop.pause_message = True, "Cerrado por vacaciones"
        db.session.commit()
    html = _text(client.get("/s/tienda-sol"))
    assert "Camiseta azul" in html
    assert "Cerrado por vacaciones" in html
    cart = _text(client.get("/s/tienda-sol/cart"))
    assert "data-checkout" not in cart
    assert "Cerrado por vacaciones" in cart


def test_spanish_shop_speaks_spanish_whatever_the_browser_says(app, client):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="tienda-es", language="es")
        factories.make_item(shop, name="Camiseta", price_minor=123450)
        db.session.commit()
    html = _text(client.get("/s/tienda-es", headers={"Accept-Language": "en-US"}))
    assert '<html lang="es">' in html
    assert "1.234,50\xa0€" in html
    assert '<meta property="og:locale" content="es_ES">' in html


def test_english_shop_speaks_english(app, client):
    with app.app_context():
        shop = factories.make_shop(
            factories.make_user(),
            slug="sun-shop",
            language="en",
            currency="USD",
            whatsapp="+12025550123",
        )
        factories.make_item(shop, name="Blue shirt", price_minor=123450)
        db.session.commit()
    html = _text(client.get("/s/sun-shop", headers={"Accept-Language": "es"}))
    assert '<html lang="en">' in html
    assert "$1,234.50" in html


def test_shop_page_query_count_does_not_grow_with_the_catalog(app, client, ids):
    def count_queries(path: str) -> int:
        statements = []
        with app.app_context():
            engine = db.engine

        def record(*args):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    small = count_queries("/s/tienda-sol")
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        categories = [factories.make_category(shop, f"Cat {n}", position=n + 5) for n in range(5)]
        for n in range(60):
            factories.make_item(shop, categories[n % 5], name=f"Producto {n}", price_minor=n + 1)
        db.session.commit()
    large = count_queries("/s/tienda-sol")
    assert large == small
    assert small <= 3


def test_all_items_of_a_big_catalog_are_listed(app, client, ids):
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        for n in range(150):
            factories.make_item(
                shop,
                None,
                name=f"Producto {n:03d}",
                price_minor=100,
                availability=Availability.AVAILABLE,
            )
        db.session.commit()
    # A big catalog comes in parts (test_big_catalog.py): the page and its part links.
    html, parts = "", ["/s/tienda-sol"]
    while parts:
        page = _text(client.get(parts.pop()))
        parts += re.findall(r'<p class="section-more" data-part="([^"]+)"', page)
        html += page
    assert html.count('class="card') >= 150
    assert all(f"Producto {n:03d}" in html for n in range(150))
