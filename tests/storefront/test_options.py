"""Product options through the real stack: product page, checkout, message, order, feed."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from shop.extensions import db
from shop.models import Item, Shop
from tests import factories
from tests.storefront.options_shop import build_options_shop, checkout_body
from tests.storefront.shopper import orders


@pytest.fixture
def ids(app):
    return build_options_shop(app)


def _post(client, ids, lines, **fields):
    return client.post(f"/s/{ids.slug}/checkout", json=checkout_body(ids, lines, **fields))


def _wa_text(url: str) -> str:
    return parse_qs(urlsplit(url).query)["text"][0]


def test_order_with_options_records_them_and_writes_them_in_the_message(app, client, ids):
    lines = [
        {"item_id": ids.shirt, "quantity": 2, "choices": [ids.m, ids.blue]},
        {"item_id": ids.shirt, "quantity": 1, "choices": [ids.l, ids.red, ids.print_, ids.gift]},
        {"item_id": ids.plain, "quantity": 1},
    ]
    response = _post(client, ids, lines)
    assert response.status_code == 200, response.get_json()
    text = _wa_text(response.get_json()["whatsapp_url"]).split("\n")
    assert "2 x Camiseta (Talla: M, Color: azul) - 40,00\u00a0€" in text
    assert "1 x Camiseta (Talla: L, Color: rojo, Extras: Estampado, Regalo) - 26,00\u00a0€" in text
    assert "1 x Gorra - 8,50\u00a0€" in text
    (order,) = orders(app, ids.shop)
    first, second, third = order.lines
    assert (first.options_text, first.unit_price_minor, first.quantity) == (
        "Talla: M, Color: azul",
        2000,
        2,
    )
    assert second.unit_price_minor == 2000 + 200 + 500 - 100
    assert [o["choice"] for o in second.options] == ["L", "rojo", "Estampado", "Regalo"]
    assert second.options[0] == {"group": "Talla", "choice": "L", "choice_id": ids.l, "delta": 200}
    assert third.options_text == ""
    assert third.options == []
    assert order.subtotal_minor == 4000 + 2600 + 850


def test_the_same_choices_twice_are_one_line_and_other_choices_another(app, client, ids):
    lines = [
        {"item_id": ids.shirt, "quantity": 1, "choices": [ids.m, ids.blue]},
        {"item_id": ids.shirt, "quantity": 2, "choices": [str(ids.blue), str(ids.m)]},
        {"item_id": ids.shirt, "quantity": 1, "choices": [ids.s, ids.blue]},
    ]
    assert _post(client, ids, lines).status_code == 200
    (order,) = orders(app, ids.shop)
    assert [(line.options_text, line.quantity) for line in order.lines] == [
        ("Talla: M, Color: azul", 3),
        ("Talla: S, Color: azul", 1),
    ]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([], "Elige Talla para “Camiseta”."),
        (["m"], "Elige Color para “Camiseta”."),
        (["m", "s", "blue"], "Elige como máximo 1 de Talla para “Camiseta”."),
        (["m", "blue", "other"], "Las opciones elegidas para “Camiseta” ya no se ofrecen."),
        (["m", "m", "blue"], "“Camiseta”: se eligió la misma opción dos veces."),
    ],
)
def test_choices_that_break_the_rules_are_refused_naming_product_and_group(
    app, client, ids, choices, message
):
    names = {"m": ids.m, "s": ids.s, "blue": ids.blue, "other": ids.other_choice}
    lines = [{"item_id": ids.shirt, "quantity": 1, "choices": [names[c] for c in choices]}]
    response = _post(client, ids, lines)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"].startswith(message)
    assert body["item_id"] == ids.shirt
    assert body["line_key"].startswith(f"{ids.shirt}")
    assert orders(app, ids.shop) == []


@pytest.mark.parametrize(
    "choices",
    ["7", {"a": 1}, [True], [-3], [1.5], ["x"], list(range(1, 200)), [2**40]],
)
def test_malformed_choices_are_refused_without_an_error_page(app, client, ids, choices):
    lines = [{"item_id": ids.shirt, "quantity": 1, "choices": choices}]
    response = _post(client, ids, lines)
    assert response.status_code == 422
    assert response.get_json()["item_id"] == ids.shirt
    assert orders(app, ids.shop) == []


def test_prices_come_from_the_database_whatever_the_cart_says(app, client, ids):
    lines = [{"item_id": ids.shirt, "quantity": 1, "choices": [ids.l, ids.blue], "price": 1}]
    assert _post(client, ids, lines).status_code == 200
    (order,) = orders(app, ids.shop)
    assert order.lines[0].unit_price_minor == 2200


def test_a_discount_never_makes_a_line_negative(app, client):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="barata")
        item = factories.make_item(shop, None, name="Pin", price_minor=50)
        group = factories.make_group(item, "Cupón", [("Gratis", -500)])
        db.session.commit()
        item_id, choice = item.id, group.choices[0].id
    body = {
        "lines": [{"item_id": item_id, "quantity": 1, "choices": [choice]}],
        "name": "Ana",
        "idempotency_key": "k" * 20,
    }
    assert client.post("/s/barata/checkout", json=body).status_code == 200
    (order,) = orders(app, shop_id=_shop_id(app, "barata"))
    assert order.lines[0].unit_price_minor == 0
    assert order.total_minor == 0


def _shop_id(app, slug):
    from sqlalchemy import select

    with app.app_context():
        return db.session.scalar(select(Shop.id).where(Shop.slug == slug))


def test_unicode_and_emoji_options_reach_the_message(app, client):
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), slug="emoji", language="en")
        item = factories.make_item(shop, None, name="Taza ☕", price_minor=1000)
        group = factories.make_group(item, "Diseño 🎨", ["Corazón ❤️", "日本"])
        db.session.commit()
        item_id, choice = item.id, group.choices[0].id
    body = {
        "lines": [{"item_id": item_id, "quantity": 1, "choices": [choice]}],
        "name": "Ana",
        "idempotency_key": "e" * 20,
    }
    response = client.post("/s/emoji/checkout", json=body)
    assert response.status_code == 200
    assert "1 x Taza ☕ (Diseño 🎨: Corazón ❤️) - €10.00" in _wa_text(
        response.get_json()["whatsapp_url"]
    )


def test_product_page_offers_the_choices_and_the_card_sends_shoppers_there(app, client, ids):
    page = client.get(f"/s/{ids.slug}/p/{ids.shirt}").get_data(as_text=True)
    assert 'name="choice-' in page
    assert 'type="radio"' in page
    assert 'type="checkbox"' in page
    assert "+2,00\u00a0€" in page
    assert "-1,00\u00a0€" in page
    assert "Talla" in page
    assert "(opcional)" in page
    shop_page = client.get(f"/s/{ids.slug}").get_data(as_text=True)
    assert f'href="/s/{ids.slug}/p/{ids.shirt}">Elegir' in shop_page
    assert f'data-add data-item-id="{ids.plain}"' in shop_page


def test_order_page_and_dashboard_show_the_options(app, client, ids, sign_in_as):
    lines = [{"item_id": ids.shirt, "quantity": 1, "choices": [ids.m, ids.red]}]
    body = _post(client, ids, lines).get_json()
    page = client.get(urlsplit(body["order_url"]).path).get_data(as_text=True)
    assert "Talla: M, Color: rojo" in page
    with app.app_context():
        owner = db.session.get(Shop, ids.shop).owner_id
    merchant = app.test_client()
    sign_in_as(merchant, owner)
    (order,) = orders(app, ids.shop)
    detail = merchant.get(f"/dashboard/orders/{order.id}").get_data(as_text=True)
    assert "Talla: M, Color: rojo" in detail
    exported = merchant.get("/dashboard/orders.csv").get_data(as_text=True).lstrip("\ufeff")
    row = next(csv.DictReader(io.StringIO(exported)))
    assert row["Options"] == "Talla: M, Color: rojo"


def test_no_javascript_form_carries_the_choices(app, client, ids):
    form = client.get(
        f"/s/{ids.slug}/p/{ids.shirt}/order?quantity=2&choice-1={ids.m}&choice-2={ids.blue}"
    ).get_data(as_text=True)
    assert f'value="{ids.m}" data-delta="0" checked' in form
    data = {
        "item_id": str(ids.shirt),
        "quantity": "2",
        f"choice-{ids.m}": str(ids.m),
        "choice-x": str(ids.blue),
        "name": "Ana",
        "shipping_method_id": str(ids.delivery),
        "address": "Calle Mayor 1",
        "idempotency_key": "n" * 24,
    }
    response = client.post(f"/s/{ids.slug}/checkout", data=data)
    assert response.status_code == 303
    assert "2 x Camiseta (Talla: M, Color: azul)" in _wa_text(response.headers["Location"])


def test_no_javascript_form_shows_a_missing_choice_next_to_the_options(app, client, ids):
    data = {
        "item_id": str(ids.shirt),
        "quantity": "1",
        "choice-1": str(ids.m),
        "name": "Ana",
        "shipping_method_id": str(ids.delivery),
        "address": "Calle Mayor 1",
        "idempotency_key": "n" * 24,
    }
    response = client.post(f"/s/{ids.slug}/checkout", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Elige Color para “Camiseta”." in page
    assert f'value="{ids.m}" data-delta="0" checked' in page  # what was ticked is kept


def test_feed_has_a_row_per_size_and_colour_grouped_by_item(app, client, ids):
    with app.app_context():
        item = db.session.get(Item, ids.shirt)
        choices = {c.id: c for g in item.option_groups for c in g.choices}
        factories.set_variant_stock(item, [choices[ids.m], choices[ids.red]], 0)
        db.session.commit()

    response = client.get(f"/s/{ids.slug}/catalog.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    shirts = [row for row in rows if row["title"] == "Camiseta"]
    assert len(shirts) == 6
    assert {row["item_group_id"] for row in shirts} == {str(ids.shirt)}
    by_combo = {(row["size"], row["color"]): row for row in shirts}
    assert by_combo[("M", "rojo")]["availability"] == "out of stock"
    assert by_combo[("M", "azul")]["availability"] == "in stock"
    assert by_combo[("L", "azul")]["price"] == "22.00 EUR"
    assert (
        by_combo[("M", "azul")]["id"]
        == f"{ids.shirt}-{min(ids.m, ids.blue)}-{max(ids.m, ids.blue)}"
    )
