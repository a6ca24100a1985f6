"""The item form and the product list: prices in the merchant's locale, reorder, bulk edits."""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, func, insert, select

from shop.extensions import db
from shop.models import Availability, Category, Image, Item, ItemPhoto, Shop
from tests import factories

EN = {"Accept-Language": "en"}
ES = {"Accept-Language": "es"}


def form(**fields) -> dict:
    values = {
        "name": "Camiseta azul",
        "description": "",
        "price": "20.00",
        "compare_at": "",
        "code": "",
        "category": "",
        "availability": "available",
    }
    return values | fields


def only_item(app, shop_id) -> Item:
    with app.app_context():
        items = db.session.scalars(select(Item).where(Item.shop_id == shop_id)).all()
        assert len(items) == 1
        db.session.expunge_all()
        return items[0]


def count_items(app, shop_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Item.shop_id == shop_id))


def version(app, shop_id) -> int:
    with app.app_context():
        return db.session.get(Shop, shop_id).catalog_version


def make_shop(app, merchant_id, **fields) -> int:
    """Another shop of the signed-in merchant, made the one the dashboard works on."""
    with app.app_context():
        shop_id = factories.make_shop(db.session.get(factories.User, merchant_id), **fields).id
        db.session.commit()
        return shop_id


def use_shop(client, shop_id) -> None:
    with client.session_transaction() as session:
        session["shop_id"] = shop_id


def make_items(app, shop_id, *names, category_id=None, **fields) -> list[int]:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        category = db.session.get(Category, category_id) if category_id else None
        ids = [
            factories.make_item(shop, category, name=n, position=i, **fields).id
            for i, n in enumerate(names)
        ]
        db.session.commit()
        return ids


def make_category(app, shop_id, name="Camisetas") -> int:
    with app.app_context():
        category = factories.make_category(db.session.get(Shop, shop_id), name)
        db.session.commit()
        return category.id


# The form -----------------------------------------------------------------------------


def test_new_item_form_has_every_field_labelled(client, merchant):
    page = client.get("/dashboard/items/new", headers=EN)
    assert page.status_code == 200
    for name in ("name", "description", "price", "compare_at", "code", "category", "photos"):
        assert f'for="{name}"' in page.text, name
    assert 'accept="image/*"' in page.text  # a phone offers its camera too
    assert "multiple" in page.text
    assert 'enctype="multipart/form-data"' in page.text


def test_creates_an_item_with_a_price_typed_in_spanish(app, client, merchant):
    before = version(app, merchant[1])
    response = client.post(
        "/dashboard/items/new",
        data=form(price="1.234,50", compare_at="1.500,00", description="Algodón\r\n100%"),
        headers=ES,
    )
    assert response.status_code == 302
    item = only_item(app, merchant[1])
    assert (item.price_minor, item.compare_at_minor) == (123450, 150000)
    assert item.description == "Algodón\n100%"
    assert version(app, merchant[1]) > before


def test_creates_an_item_with_a_price_typed_in_english(app, client, merchant):
    client.post("/dashboard/items/new", data=form(price="1,234.50"), headers=EN)
    assert only_item(app, merchant[1]).price_minor == 123450


def test_prices_in_a_currency_without_decimals(app, client, merchant):
    shop_id = make_shop(app, merchant[0], currency="CLP", whatsapp="+56912345678")
    use_shop(client, shop_id)
    client.post("/dashboard/items/new", data=form(price="15.990"), headers=ES)
    assert only_item(app, shop_id).price_minor == 15990
    response = client.post("/dashboard/items/new", data=form(price="15,5"), headers=ES)
    assert response.status_code == 422
    assert "no decimals" in response.text or "decimales" in response.text


def test_prices_in_a_currency_with_three_decimals(app, client, merchant):
    shop_id = make_shop(app, merchant[0], currency="KWD", whatsapp="+96550012345", language="en")
    use_shop(client, shop_id)
    client.post("/dashboard/items/new", data=form(price="1,234.567"), headers=EN)
    assert only_item(app, shop_id).price_minor == 1234567


def test_edit_form_shows_the_price_the_way_the_merchant_writes_it(app, client, merchant):
    (item_id,) = make_items(app, merchant[1], "Camiseta", price_minor=123450)
    # The shop's format (Spain), whatever language the merchant's browser speaks.
    for headers in (ES, EN):
        page = client.get(f"/dashboard/items/{item_id}/edit", headers=headers).text
        assert 'value="1.234,50"' in page
        assert "like 1.234,50" in page or "ejemplo 1.234,50" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"price": "12,500"}, "Is “12,500” 12.500,00 or 12,500?"),
        ({"price": ""}, "Enter an amount."),
        ({"price": "-3"}, "cannot be negative"),
        ({"price": "20.00", "compare_at": "15.00"}, "must be higher than the price"),
        ({"name": "   "}, "Enter a name."),
        ({"name": "x" * 151}, "at most 150 characters"),
        ({"code": "c" * 65}, "at most 64 characters"),
        ({"description": "d" * 10_000}, "at most 5000 characters"),
        ({"category": "999999"}, "Not a valid choice"),
        ({"availability": "gone"}, "Not a valid choice"),
    ],
)
def test_bad_input_shows_a_message_and_keeps_the_rest(app, client, merchant, fields, message):
    typed = form(name="Pastel de 🍓", code="P-1", description="Rico\nde verdad") | fields
    response = client.post("/dashboard/items/new", data=typed, headers=EN)
    assert response.status_code == 422
    assert message in response.text
    for key in ("name", "code"):
        if key not in fields:
            assert f'value="{typed[key]}"' in response.text
    if "description" not in fields:
        assert "Rico\nde verdad</textarea>" in response.text
    assert count_items(app, merchant[1]) == 0


def test_a_huge_description_is_refused_but_kept_in_the_form(client, merchant):
    response = client.post("/dashboard/items/new", data=form(description="é" * 10_000))
    assert response.status_code == 422
    assert "é" * 10_000 in response.text


def test_line_breaks_count_as_one_character(app, client, merchant):
    text = "línea\r\n" * 800  # 5600 characters as sent, 4800 once CRLF is one break
    assert client.post("/dashboard/items/new", data=form(description=text)).status_code == 302
    assert only_item(app, merchant[1]).description == ("línea\n" * 800).strip()


def test_unicode_and_emoji_names_round_trip(app, client, merchant):
    name = "Ñandú 🦤 — 東京 \u202e"
    client.post("/dashboard/items/new", data=form(name=name), headers=EN)
    item = only_item(app, merchant[1])
    assert item.name == name.strip()
    assert name.strip() in client.get("/dashboard/items", headers=EN).text


def test_a_new_item_goes_last_in_its_category(app, client, merchant):
    cid = make_category(app, merchant[1])
    make_items(app, merchant[1], "Primera", "Segunda", category_id=cid)
    client.post("/dashboard/items/new", data=form(name="Tercera", category=str(cid)))
    page = client.get(f"/dashboard/items?category={cid}", headers=EN).text
    assert page.index("Primera") < page.index("Segunda") < page.index("Tercera")


def form_key(client) -> str:
    """The one-time key the new-item form carries, as a browser would send it back."""
    page = client.get("/dashboard/items/new").get_data(as_text=True)
    match = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page)
    assert match, "the new-item form has no one-time key"
    return match.group(1)


def test_a_double_submit_saves_one_item_and_goes_where_the_first_went(app, client, merchant):
    cid = make_category(app, merchant[1])
    sent = form(name="Doble 🧦", category=str(cid), form_key=form_key(client))
    first = client.post("/dashboard/items/new", data=sent, headers=EN)
    second = client.post("/dashboard/items/new", data=sent, headers=EN)
    assert first.status_code == second.status_code == 302
    expected = f"/dashboard/items?category={cid}"
    assert second.headers["Location"] == first.headers["Location"] == expected
    assert count_items(app, merchant[1]) == 1
    page = client.get(second.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Product saved." in page


def test_each_new_form_saves_its_own_item(app, client, merchant):
    for name in ("Una", "Otra"):
        client.post("/dashboard/items/new", data=form(name=name, form_key=form_key(client)))
    assert count_items(app, merchant[1]) == 2


def test_a_refused_form_keeps_its_key_for_the_corrected_one(app, client, merchant):
    key = form_key(client)
    refused = client.post("/dashboard/items/new", data=form(name="", form_key=key), headers=EN)
    assert refused.status_code == 422
    assert "Enter a name." in refused.get_data(as_text=True)
    assert count_items(app, merchant[1]) == 0
    assert client.post("/dashboard/items/new", data=form(form_key=key)).status_code == 302
    assert count_items(app, merchant[1]) == 1


def test_another_merchant_sending_the_same_key_gets_their_own_item(
    app, client, merchant, sign_in_as
):
    key = form_key(client)
    client.post("/dashboard/items/new", data=form(form_key=key))
    with app.app_context():
        rival = factories.make_user("Rival")
        rival_shop = factories.make_shop(rival, slug="rival")
        db.session.commit()
        rival_id, rival_shop_id = rival.id, rival_shop.id
    other = app.test_client()
    sign_in_as(other, rival_id)
    assert other.post("/dashboard/items/new", data=form(form_key=key)).status_code == 302
    assert count_items(app, merchant[1]) == count_items(app, rival_shop_id) == 1


@pytest.mark.parametrize("key", ["", "short", "x" * 32 + "<", "ñ" * 32])
def test_a_form_without_a_sane_key_still_saves(app, client, merchant, key):
    """An old page, or a hand-made post: no double-submit guard, but no error either."""
    assert client.post("/dashboard/items/new", data=form(form_key=key)).status_code == 302
    assert count_items(app, merchant[1]) == 1


def test_new_item_needs_a_csrf_token(app, client, merchant):
    assert client.post("/dashboard/items/new", data=form(), csrf=False).status_code == 400
    assert count_items(app, merchant[1]) == 0


def test_edits_an_item_and_moves_it_to_another_category(app, client, merchant):
    cid = make_category(app, merchant[1])
    (item_id,) = make_items(app, merchant[1], "Vieja")
    before = version(app, merchant[1])
    response = client.post(
        f"/dashboard/items/{item_id}/edit",
        data=form(
            name="Nueva",
            price="9.99",
            code="N-1",
            category=str(cid),
            availability="sold_out",
            is_service="y",
        ),
        headers=EN,
    )
    assert response.status_code == 302
    item = only_item(app, merchant[1])
    assert (item.name, item.price_minor, item.code, item.category_id) == ("Nueva", 999, "N-1", cid)
    assert item.availability == Availability.SOLD_OUT
    assert item.is_service
    assert version(app, merchant[1]) > before


def test_duplicate_is_hidden_right_after_the_original(app, client, merchant):
    cid = make_category(app, merchant[1])
    first, _ = make_items(app, merchant[1], "Uno", "Dos", category_id=cid)
    response = client.post(f"/dashboard/items/{first}/duplicate", data={}, headers=EN)
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(
            select(Item).where(Item.category_id == cid).order_by(Item.position, Item.id)
        ).all()
        assert [r.name for r in rows] == ["Uno", "Uno (copy)", "Dos"]
        assert rows[1].availability == Availability.HIDDEN
        assert response.headers["Location"].endswith(f"/dashboard/items/{rows[1].id}/edit")


def test_delete_asks_first_then_deletes(app, client, merchant):
    (item_id,) = make_items(app, merchant[1], "Adiós")
    page = client.get(f"/dashboard/items/{item_id}/delete", headers=EN)
    assert "Delete Adiós?" in page.text
    assert count_items(app, merchant[1]) == 1
    assert client.post(f"/dashboard/items/{item_id}/delete", data={}).status_code == 302
    assert count_items(app, merchant[1]) == 0


def test_reorders_items_within_the_filtered_category(app, client, merchant):
    cid = make_category(app, merchant[1])
    a, _, c = make_items(app, merchant[1], "A", "B", "C", category_id=cid)
    listing = f"/dashboard/items?category={cid}"
    assert f'action="/dashboard/items/{a}/move"' in client.get(listing).text
    response = client.post(f"/dashboard/items/{c}/move", data={"direction": "up", "next": listing})
    assert response.headers["Location"] == listing
    page = client.get(listing, headers=EN).text
    assert page.index(">A<") < page.index(">C<") < page.index(">B<")
    bad = client.post(f"/dashboard/items/{c}/move", data={"direction": "x"})
    assert bad.status_code == 400


def test_reorder_refuses_a_foreign_next(client, app, merchant):
    (item_id,) = make_items(app, merchant[1], "A")
    response = client.post(
        f"/dashboard/items/{item_id}/move", data={"direction": "up", "next": "//evil.example/"}
    )
    assert response.headers["Location"].startswith("/dashboard/items")


# The list -----------------------------------------------------------------------------


def test_list_shows_price_code_category_and_availability(app, client, merchant):
    cid = make_category(app, merchant[1], "Gorras")
    make_items(
        app,
        merchant[1],
        "Gorra",
        category_id=cid,
        price_minor=123450,
        code="G-7",
        availability=Availability.SOLD_OUT,
    )
    page = client.get("/dashboard/items", headers=ES).text
    assert "1.234,50\xa0€" in page
    assert "G-7" in page
    assert "Gorras" in page
    assert "sold_out" in page


def test_list_never_shows_another_merchants_items(app, client, merchant):
    with app.app_context():
        other = factories.make_shop(factories.make_user())
        factories.make_item(other, name="De otro")
        db.session.commit()
    make_items(app, merchant[1], "Mío")
    page = client.get("/dashboard/items").text
    assert "Mío" in page
    assert "De otro" not in page


def bulk_insert(app, shop_id, count, category_id=None, photos=False) -> None:
    """Thousands of items in a few statements."""
    with app.app_context():
        rows = [
            {
                "shop_id": shop_id,
                "category_id": category_id,
                "name": f"Producto {n:04}" + (" 100%_off" if n == 1234 else ""),
                "code": f"SKU-{n:04}",
                "price_minor": 100 + n,
                "position": n,
                "availability": "sold_out" if n % 10 == 0 else "available",
            }
            for n in range(count)
        ]
        db.session.execute(insert(Item), rows)
        if photos:
            image = Image(shop_id=shop_id, key="f" * 64, width=10, height=10, widths=[320])
            db.session.add(image)
            db.session.flush()
            item_ids = db.session.scalars(select(Item.id).where(Item.shop_id == shop_id)).all()
            db.session.execute(
                insert(ItemPhoto),
                [
                    {"item_id": i, "image_id": image.id, "position": p}
                    for i in item_ids
                    for p in (0, 1)
                ],
            )
        db.session.commit()


def test_search_filter_and_paging_with_two_thousand_items(app, client, merchant):
    cid = make_category(app, merchant[1])
    bulk_insert(app, merchant[1], 2000)
    make_items(app, merchant[1], "En categoría", category_id=cid)

    first = client.get("/dashboard/items", headers=EN).text
    assert "2001 products" in first
    assert first.count('name="item_ids"') == 50
    assert "En categoría" in first  # categorised items come first

    last = client.get("/dashboard/items?page=41", headers=EN).text
    assert last.count('name="item_ids"') == 1
    assert "Producto 1999" in last
    beyond = client.get("/dashboard/items?page=9999", headers=EN).text
    assert beyond.count('name="item_ids"') == 1
    assert "Producto 1999" in beyond
    assert 'aria-current="page">41<' in beyond
    assert "Producto 0000" in client.get("/dashboard/items?page=abc", headers=EN).text
    assert client.get("/dashboard/items?page=-3").status_code == 200

    found = client.get("/dashboard/items?q=sku-0199", headers=EN).text
    assert "1 product" in found
    assert "Producto 0199" in found
    assert "1 product" in client.get("/dashboard/items?q=100%25_off", headers=EN).text
    assert "No products match." in client.get("/dashboard/items?q=%25%25", headers=EN).text
    sold = client.get("/dashboard/items?availability=sold_out", headers=EN).text
    assert "200 products" in sold
    loose = client.get(
        "/dashboard/items?category=none&availability=sold_out&q=producto", headers=EN
    )
    assert "200 products" in loose.text
    assert "availability=sold_out" in loose.text  # paging links keep the filters
    assert "1 product" in client.get(f"/dashboard/items?category={cid}", headers=EN).text
    assert client.get("/dashboard/items?category=99999&availability=zzz").status_code == 200


def count_statements(app, client, url) -> int:
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_list_queries_do_not_grow_with_the_number_of_items(app, client, merchant):
    cid = make_category(app, merchant[1])
    bulk_insert(app, merchant[1], 3, category_id=cid, photos=True)
    client.get("/dashboard/items")  # warm up: the sign-in session row may be refreshed
    few = count_statements(app, client, "/dashboard/items")
    bulk_insert(app, merchant[1], 300, category_id=cid, photos=True)
    many = count_statements(app, client, "/dashboard/items")
    assert many == few
    assert many <= 12


# Bulk actions -------------------------------------------------------------------------


def test_bulk_marks_items_sold_out_and_ignores_foreign_ids(app, client, merchant):
    ids = make_items(app, merchant[1], "A", "B", "C")
    with app.app_context():
        foreign = factories.make_item(factories.make_shop(factories.make_user()), name="Ajeno")
        db.session.commit()
        foreign_id = foreign.id
    before = version(app, merchant[1])
    response = client.post(
        "/dashboard/items/bulk",
        data={
            "action": "sold_out",
            "category": "",
            "item_ids": [str(ids[0]), str(ids[2]), str(foreign_id), "nope"],
            "next": "/dashboard/items?q=A",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/items?q=A"
    with app.app_context():
        states = {i: db.session.get(Item, i).availability for i in [*ids, foreign_id]}
    assert states == {
        ids[0]: Availability.SOLD_OUT,
        ids[1]: Availability.AVAILABLE,
        ids[2]: Availability.SOLD_OUT,
        foreign_id: Availability.AVAILABLE,
    }
    assert version(app, merchant[1]) > before


@pytest.mark.parametrize("action", ["available", "hidden"])
def test_bulk_sets_availability(app, client, merchant, action):
    ids = make_items(app, merchant[1], "A", "B", availability=Availability.SOLD_OUT)
    client.post("/dashboard/items/bulk", data={"action": action, "category": "", "item_ids": ids})
    with app.app_context():
        assert {db.session.get(Item, i).availability.value for i in ids} == {action}


def test_bulk_moves_items_to_a_category_and_back_to_none(app, client, merchant):
    cid = make_category(app, merchant[1])
    ids = make_items(app, merchant[1], "A", "B")
    data = {"action": "move", "category": str(cid), "item_ids": ids}
    client.post("/dashboard/items/bulk", data=data)
    with app.app_context():
        assert [db.session.get(Item, i).category_id for i in ids] == [cid, cid]
    client.post("/dashboard/items/bulk", data=data | {"category": ""})
    with app.app_context():
        assert [db.session.get(Item, i).category_id for i in ids] == [None, None]


def test_bulk_refuses_a_foreign_target_category(app, client, merchant):
    ids = make_items(app, merchant[1], "A")
    with app.app_context():
        foreign = factories.make_category(factories.make_shop(factories.make_user()), "X").id
        db.session.commit()
    client.post(
        "/dashboard/items/bulk", data={"action": "move", "category": str(foreign), "item_ids": ids}
    )
    with app.app_context():
        assert db.session.get(Item, ids[0]).category_id is None


def test_bulk_delete_asks_first(app, client, merchant):
    ids = make_items(app, merchant[1], "A", "B", "C")
    data = {"action": "delete", "category": "", "item_ids": ids[:2], "next": "/dashboard/items"}
    page = client.post("/dashboard/items/bulk", data=data, headers=EN)
    assert page.status_code == 200
    assert "Delete 2 products?" in page.text
    assert count_items(app, merchant[1]) == 3
    response = client.post("/dashboard/items/bulk", data=data | {"confirmed": "yes"})
    assert response.status_code == 302
    with app.app_context():
        left = db.session.scalars(select(Item.id).where(Item.shop_id == merchant[1])).all()
    assert left == [ids[2]]


def test_bulk_without_a_selection_or_action_changes_nothing(app, client, merchant):
    ids = make_items(app, merchant[1], "A")
    before = version(app, merchant[1])
    assert client.post("/dashboard/items/bulk", data={"action": "hidden"}).status_code == 302
    bad = client.post("/dashboard/items/bulk", data={"action": "explode", "item_ids": ids})
    assert bad.status_code == 302
    assert version(app, merchant[1]) == before
    assert (
        client.post(
            "/dashboard/items/bulk", data={"action": "hidden", "item_ids": ids}, csrf=False
        ).status_code
        == 400
    )


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="two requests at the same instant need a database server (SQLite queues writers)",
)
def test_two_taps_at_the_same_instant_save_one_item(app, client, merchant, sign_in_as):
    """The second request waits on the first one's key, then goes where it went."""
    sent = form(name="Rápida", form_key=form_key(client))
    clients = [app.test_client() for _ in range(4)]
    for each in clients:
        sign_in_as(each, merchant[0])
        each.get("/dashboard/items/new")  # the session's CSRF token, as the page gave it
    start = threading.Barrier(len(clients))

    def tap(each):
        start.wait()
        return each.post("/dashboard/items/new", data=sent)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        answers = list(pool.map(tap, clients))
    assert {answer.status_code for answer in answers} == {302}
    assert {answer.headers["Location"] for answer in answers} == {"/dashboard/items?category=none"}
    assert count_items(app, merchant[1]) == 1


@pytest.mark.parametrize("price", ["18,50", "18.50", "€18,50", "18,50 €", "18.50 EUR"])
def test_a_spanish_shop_with_an_english_browser_takes_prices_written_either_way(
    app, client, merchant, price
):
    """Issue 16, seen item 1: the English dashboard refused ``18,50`` of a Spanish shop."""
    response = client.post("/dashboard/items/new", data=form(price=price), headers=EN)
    assert response.status_code == 302
    assert only_item(app, merchant[1]).price_minor == 1850


@pytest.mark.parametrize("headers", [EN, ES])
def test_thousands_with_cents_are_read_in_any_common_format(app, client, merchant, headers):
    client.post(
        "/dashboard/items/new",
        data=form(price="1.234,56", compare_at="1,500.00"),
        headers=headers,
    )
    item = only_item(app, merchant[1])
    assert (item.price_minor, item.compare_at_minor) == (123456, 150000)


def test_an_ambiguous_price_asks_showing_both_readings_and_saves_nothing(app, client, merchant):
    response = client.post(
        "/dashboard/items/new", data=form(name="Jarrón", price="1.234"), headers=EN
    )
    assert response.status_code == 422
    assert "Is “1.234” 1.234,00 or 1,234?" in response.text
    assert 'value="Jarrón"' in response.text
    assert 'value="1.234"' in response.text
    assert count_items(app, merchant[1]) == 0


def test_a_chilean_shop_reads_thousands_either_way(app, client, merchant):
    shop_id = make_shop(app, merchant[0], currency="CLP", whatsapp="+56912345678")
    use_shop(client, shop_id)
    client.post("/dashboard/items/new", data=form(price="$15,990"), headers=EN)
    assert only_item(app, shop_id).price_minor == 15990
