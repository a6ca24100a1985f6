"""The stock page (issue 26): staff count units left without reaching the item's other fields."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from shop.catalog.variants import combination_key
from shop.extensions import db
from shop.models import Item, Membership, Role, Shop
from shop.ordering import stock
from tests import factories

EN = {"Accept-Language": "en"}


@pytest.fixture
def team(app, client, sign_in_as):
    """A shop with counted and uncounted items; a staff member signed in on `client`."""
    with app.app_context():
        owner = factories.make_user("Olga")
        shop = factories.make_shop(owner, name="Tienda Sol")
        drinks = factories.make_category(shop, "Bebidas", position=0)
        clothes = factories.make_category(shop, "Ropa", position=1)
        plenty = factories.make_item(shop, drinks, name="Café ☕ Ñandú", price_minor=300)
        plenty.stock = 50
        few = factories.make_item(shop, clothes, name="Gorra", price_minor=900)
        few.stock = 3
        factories.make_item(shop, drinks, name="Agua sin contar", price_minor=100)
        shirt = factories.make_item(shop, clothes, name="Camiseta", price_minor=2000)
        size = factories.make_group(shirt, "Talla", ["S", "M"], kind="size")
        factories.set_variant_stock(shirt, [size.choices[0]], 2)
        factories.set_variant_stock(shirt, [size.choices[1]], 40)
        staff = factories.make_user("Carla")
        db.session.add(Membership(shop_id=shop.id, user_id=staff.id, role=Role.STAFF))
        db.session.commit()
        ids = {
            "shop": shop.id,
            "owner": owner.id,
            "staff": staff.id,
            "plenty": plenty.id,
            "few": few.id,
            "shirt": shirt.id,
            "s": combination_key([size.choices[0].id]),
            "m": combination_key([size.choices[1].id]),
        }
    sign_in_as(client, ids["staff"])
    return ids


def _item(app, item_id):
    with app.app_context():
        item = db.session.get(Item, item_id)
        counts = {row.key: row.stock for row in item.variant_stock}
        return item.name, item.price_minor, item.stock, counts


def _order_takes(app, item_id, quantity, variant=None):
    """What checkout does when it records an order (shop.ordering.stock.take)."""
    with app.test_request_context():
        item = db.session.get(Item, item_id)
        stock.take(stock.Want(item, quantity, variant), item.name, count_item=variant is None)
        db.session.commit()


def _loaded(page: str, item_id: int, name: str) -> str:
    """The hidden count a form carries, inside the item's own card."""
    card = page.split(f'id="item-{item_id}"', 1)[1].split("</section>", 1)[0]
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', card)
    assert found, name
    return found.group(1)


def test_staff_see_counted_items_low_first_then_by_category(client, team):
    answer = client.get("/dashboard/stock", headers=EN)
    assert answer.status_code == 200
    page = unescape(answer.text)
    assert "Agua sin contar" not in page  # not counted: not on this page
    low, rest = page.split("Running low", 1)[1].split("Bebidas", 1)
    assert "Gorra" in low
    assert "Camiseta" in low
    assert "Café ☕ Ñandú" in rest
    assert "Gorra" not in rest
    assert 'href="/dashboard/stock"' in page  # in the staff's menu...
    assert 'href="/dashboard/items"' not in page  # ...the catalog is not, nor its links
    assert f"/dashboard/items/{team['few']}/edit" not in page


def test_search_by_name_finds_unicode_and_escapes_wildcards(client, team):
    found = client.get("/dashboard/stock", query_string={"q": "Ñandú"}, headers=EN).text
    assert "Café ☕ Ñandú" in unescape(found)
    assert "Gorra" not in found
    none = client.get("/dashboard/stock", query_string={"q": "%"}, headers=EN).text
    assert "No counted product matches this search." in none
    huge = client.get("/dashboard/stock", query_string={"q": "x" * 5000}, headers=EN)
    assert huge.status_code == 200


def test_staff_save_an_items_own_count(app, client, team):
    page = client.get("/dashboard/stock", headers=EN).text
    loaded = _loaded(page, team["few"], "loaded")
    answer = client.post(
        f"/dashboard/stock/{team['few']}", data={"stock": "12", "loaded": loaded}, headers=EN
    )
    assert answer.status_code == 302
    assert answer.location.endswith(f"/dashboard/stock#item-{team['few']}")
    assert _item(app, team["few"])[2] == 12
    again = client.post(  # the same form sent twice: already saved, not a refusal
        f"/dashboard/stock/{team['few']}", data={"stock": "12", "loaded": loaded}, headers=EN
    )
    assert again.status_code == 302


def test_staff_save_the_counts_of_combinations(app, client, team):
    s, m = team["s"], team["m"]
    data = {f"stock-{s}": "7", f"loaded-{s}": "2", f"stock-{m}": "", f"loaded-{m}": "40"}
    answer = client.post(f"/dashboard/stock/{team['shirt']}", data=data, headers=EN)
    assert answer.status_code == 302
    assert _item(app, team["shirt"])[3] == {s: 7}  # M is no longer counted


def test_a_forged_post_changes_nothing_but_the_count(app, client, team):
    before = _item(app, team["few"])
    forged = {
        "stock": "9",
        "loaded": "3",
        "name": "Robada",
        "price": "0.01",
        "price_minor": "1",
        "availability": "hidden",
        "category": "",
    }
    assert client.post(f"/dashboard/stock/{team['few']}", data=forged).status_code == 302
    name, price, units, _ = _item(app, team["few"])
    assert (name, price, units) == (before[0], before[1], 9)
    with app.app_context():
        item = db.session.get(Item, team["few"])
        assert item.availability.value == "available"
        assert item.category.name == "Ropa"
    # And the item's edit page stays closed to staff, whatever it is sent.
    edit = client.post(f"/dashboard/items/{team['few']}/edit", data=forged)
    assert edit.status_code == 403
    assert _item(app, team["few"])[:2] == before[:2]


def test_a_save_is_refused_when_an_order_took_units_meanwhile(app, client, team):
    page = client.get("/dashboard/stock", headers=EN).text
    loaded = _loaded(page, team["few"], "loaded")
    _order_takes(app, team["few"], 2)  # 3 -> 1 while the form is open
    answer = client.post(
        f"/dashboard/stock/{team['few']}", data={"stock": "10", "loaded": loaded}, headers=EN
    )
    assert answer.status_code == 409
    text = unescape(answer.text)
    assert "Orders changed this while you were editing: 1 left now." in text
    assert "Nothing was saved" in text
    assert _item(app, team["few"])[2] == 1  # the order's count stands
    assert _loaded(answer.text, team["few"], "loaded") == "1"  # the form now shows it
    retried = client.post(
        f"/dashboard/stock/{team['few']}", data={"stock": "10", "loaded": "1"}, headers=EN
    )
    assert retried.status_code == 302
    assert _item(app, team["few"])[2] == 10


def test_one_refused_combination_saves_none_of_the_form(app, client, team):
    s, m = team["s"], team["m"]
    _order_takes(app, team["shirt"], 1, variant=s)  # S: 2 -> 1
    data = {f"stock-{s}": "8", f"loaded-{s}": "2", f"stock-{m}": "30", f"loaded-{m}": "40"}
    answer = client.post(f"/dashboard/stock/{team['shirt']}", data=data, headers=EN)
    assert answer.status_code == 409
    assert "1 left now" in unescape(answer.text)
    assert _item(app, team["shirt"])[3] == {s: 1, m: 40}


@pytest.mark.parametrize("typed", ["abc", "-1", "1.5", "12345678", "٣", "1000001", " 9 9"])
def test_malformed_negative_and_huge_counts_are_refused(app, client, team, typed):
    answer = client.post(
        f"/dashboard/stock/{team['few']}", data={"stock": typed, "loaded": "3"}, headers=EN
    )
    assert answer.status_code == 422
    assert "Write a whole number" in answer.text
    assert _item(app, team["few"])[2] == 3
    s = team["s"]
    combo = client.post(
        f"/dashboard/stock/{team['shirt']}", data={f"stock-{s}": typed, f"loaded-{s}": "2"}
    )
    assert combo.status_code == 422
    assert _item(app, team["shirt"])[3][s] == 2


@pytest.mark.parametrize(
    "data",
    [
        {},  # nothing to save
        {"stock": "4"},  # the count it showed is missing
        {"stock": "4", "loaded": "x"},
        {"stock-1-2": "4", "loaded-1-2": "-3"},
    ],
)
def test_forms_this_page_never_sends_are_bad_requests(app, client, team, data):
    assert client.post(f"/dashboard/stock/{team['few']}", data=data).status_code == 400
    assert _item(app, team["few"])[2] == 3


def test_a_combination_that_is_not_the_items_is_refused(app, client, team):
    data = {"stock-999999": "4", "loaded-999999": ""}
    answer = client.post(f"/dashboard/stock/{team['shirt']}", data=data, headers=EN)
    assert answer.status_code == 422
    assert "changed meanwhile" in answer.text
    assert _item(app, team["shirt"])[3] == {team["s"]: 2, team["m"]: 40}


def test_another_shops_item_is_404_and_unchanged(app, client, team):
    with app.app_context():
        stranger = factories.make_user("Zoe")
        other = factories.make_item(factories.make_shop(stranger), None, name="Ajeno")
        other.stock = 5
        db.session.commit()
        other_id = other.id
    answer = client.post(f"/dashboard/stock/{other_id}", data={"stock": "0", "loaded": "5"})
    assert answer.status_code == 404
    assert _item(app, other_id)[2] == 5
    assert client.post("/dashboard/stock/99999999999", data={}).status_code == 404


def test_owner_and_manager_open_it_too_and_see_the_edit_link(app, client, team, sign_in_as):
    with app.app_context():
        manager = factories.make_user("Mara")
        db.session.add(Membership(shop_id=team["shop"], user_id=manager.id, role=Role.MANAGER))
        db.session.commit()
        manager_id = manager.id
    for person in (team["owner"], manager_id):
        sign_in_as(client, person)
        page = client.get("/dashboard/stock", headers=EN)
        assert page.status_code == 200
        assert f"/dashboard/items/{team['few']}/edit" in page.text


def test_the_page_speaks_spanish(client, team):
    page = unescape(client.get("/dashboard/stock", headers={"Accept-Language": "es"}).text)
    assert "Se están acabando (5 unidades o menos)" in page
    assert "Unidades que quedan" in page


def test_many_counted_items_are_capped_but_low_ones_always_show(app, client, team):
    from shop.catalog.stock_counts import MAX_LISTED

    with app.app_context():
        shop = db.session.get(Shop, team["shop"])
        for number in range(MAX_LISTED + 5):
            factories.make_item(shop, None, name=f"Tornillo {number}").stock = 100
        db.session.commit()
        assert db.session.scalar(select(db.func.count()).select_from(Item)) > MAX_LISTED
    page = unescape(client.get("/dashboard/stock", headers=EN).text)
    assert "Showing the first 200" in page
    assert "Gorra" in page
    assert "Camiseta" in page
