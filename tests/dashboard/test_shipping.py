"""Shipping methods: prices typed the local way, order, offered or not, tenancy."""

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import ShippingMethod, Shop
from tests import factories


def form(**overrides):
    return {"name": "Entrega a domicilio", "price": "3.50", "kind": "delivery", "active": "y"} | (
        overrides
    )


def speak(client, language):
    with client.session_transaction() as session:
        session["lang"] = language


def methods(app, shop_id):
    with app.app_context():
        return [
            (m.name, m.price_minor, m.needs_address, m.active)
            for m in db.session.scalars(
                select(ShippingMethod)
                .where(ShippingMethod.shop_id == shop_id)
                .order_by(ShippingMethod.position, ShippingMethod.id)
            )
        ]


def version(app, shop_id):
    with app.app_context():
        return db.session.get(Shop, shop_id).catalog_version


@pytest.fixture
def three(app, merchant):
    """Three methods in the merchant's shop: returns their ids, in order."""
    _user_id, shop_id = merchant
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        ids = [
            factories.make_shipping(shop, name=name, price_minor=price, position=n).id
            for n, (name, price) in enumerate([("Casa", 300), ("Tienda", 0), ("Urgente", 900)])
        ]
        db.session.commit()
    return ids


@pytest.fixture
def foreign(app):
    """Another merchant's shop and shipping method ids."""
    with app.app_context():
        shop = factories.make_shop(factories.make_user())
        method = factories.make_shipping(shop, name="Ajeno", price_minor=500)
        db.session.commit()
        return shop.id, method.id


def test_lists_methods_in_order_with_prices(client, three):
    speak(client, "es")
    page = client.get("/dashboard/shipping")
    assert page.status_code == 200
    text = page.text.split("<main", 1)[1]  # the shop's own name is in the top bar
    assert text.index("Casa") < text.index("Tienda") < text.index("Urgente")
    assert "3,00\xa0€" in text
    assert "Gratis" in text or "Free" in text


def test_an_empty_list_says_what_to_do(client, merchant):
    page = client.get("/dashboard/shipping")
    assert "No shipping methods yet" in page.text
    assert 'href="/dashboard/shipping/new"' in page.text


@pytest.mark.parametrize(
    ("language", "typed", "minor"),
    [
        ("es", "3,50", 350),
        ("es", "1.234,50", 123450),
        ("en", "3.50", 350),
        ("en", "1,234.5", 123450),
        ("es", "0", 0),
        ("en", "€ 4", 400),
    ],
)
def test_adds_a_method_with_the_price_typed_in_the_merchants_language(
    app, client, merchant, language, typed, minor
):
    _user_id, shop_id = merchant
    speak(client, language)
    before = version(app, shop_id)
    response = client.post("/dashboard/shipping/new", data=form(price=typed))
    assert response.status_code == 302
    assert methods(app, shop_id) == [("Entrega a domicilio", minor, True, True)]
    assert version(app, shop_id) == before + 2  # the method and its zone "everywhere"


def test_reads_chilean_pesos_without_decimals(app, client, sign_in_as):
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user, currency="CLP", whatsapp="+56961234567")
        db.session.commit()
        user_id, shop_id = user.id, shop.id
    sign_in_as(client, user_id)
    speak(client, "es")
    client.post("/dashboard/shipping/new", data=form(price="2.500"))
    assert methods(app, shop_id)[0][1] == 2500
    refused = client.post("/dashboard/shipping/new", data=form(name="Otra", price="2,5"))
    assert refused.status_code == 422
    assert "Los precios en CLP no llevan decimales" in refused.text
    assert 'value="2,5"' in refused.text
    assert client.get("/dashboard/shipping").text.count("$2.500") == 1


def test_adds_a_pickup_method_that_needs_no_address_and_is_not_offered_yet(app, client, merchant):
    _user_id, shop_id = merchant
    data = form(name="Recoger en tienda 🏪", price="0", kind="pickup")
    del data["active"]
    client.post("/dashboard/shipping/new", data=data)
    assert methods(app, shop_id) == [("Recoger en tienda 🏪", 0, False, False)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "abc", "Write the amount like"),
        ("price", "", "Enter an amount"),
        ("price", "-3", "cannot be negative"),
        ("price", "9" * 40, "too large"),
        ("price", "1e5", "Write the amount like"),
        ("name", "", "Give the method a name"),
        ("name", "x" * 81, "At most 80"),
        ("name", "x" * 100_000, "At most 80"),
        ("kind", "teleport", "Not a valid choice"),
    ],
)
def test_refuses_bad_input_keeping_what_was_typed(app, client, merchant, field, value, message):
    _user_id, shop_id = merchant
    data = form(name="Mensajería", price="4.50") | {field: value}
    response = client.post("/dashboard/shipping/new", data=data)
    assert response.status_code == 422
    assert message in response.text
    if field != "name":
        assert 'value="Mensajería"' in response.text
    assert methods(app, shop_id) == []


def test_a_double_submitted_form_adds_one_method(app, client, merchant):
    _user_id, shop_id = merchant
    assert client.post("/dashboard/shipping/new", data=form()).status_code == 302
    assert client.post("/dashboard/shipping/new", data=form()).status_code == 302
    assert len(methods(app, shop_id)) == 1


def test_new_methods_go_last(app, client, merchant, three):
    _user_id, shop_id = merchant
    client.post("/dashboard/shipping/new", data=form(name="Nueva"))
    assert [m[0] for m in methods(app, shop_id)] == ["Casa", "Tienda", "Urgente", "Nueva"]


def test_edit_shows_the_price_in_the_merchants_language_and_saves(app, client, merchant, three):
    _user_id, shop_id = merchant
    speak(client, "es")
    page = client.get(f"/dashboard/shipping/{three[0]}/edit")
    assert 'value="3,00"' in page.text
    assert "escrito así: 12,50" in page.text
    assert 'value="Casa"' in page.text
    speak(client, "en")
    # The shop's format (Spain) whatever the browser speaks.
    assert 'value="3,00"' in client.get(f"/dashboard/shipping/{three[0]}/edit").text
    before = version(app, shop_id)
    response = client.post(
        f"/dashboard/shipping/{three[0]}/edit",
        data={"name": "Casa (48 h)", "price": "4.25", "kind": "pickup"},
    )
    assert response.status_code == 302
    assert methods(app, shop_id)[0] == ("Casa (48 h)", 425, False, False)
    assert version(app, shop_id) == before + 2  # the method and its zone "everywhere"


def test_edit_refuses_bad_price_and_changes_nothing(app, client, merchant, three):
    _user_id, shop_id = merchant
    response = client.post(f"/dashboard/shipping/{three[0]}/edit", data=form(price="tres"))
    assert response.status_code == 422
    assert methods(app, shop_id)[0] == ("Casa", 300, True, True)


def test_deletes_a_method(app, client, merchant, three):
    _user_id, shop_id = merchant
    before = version(app, shop_id)
    response = client.post(f"/dashboard/shipping/{three[1]}/delete", data={})
    assert response.status_code == 302
    assert [m[0] for m in methods(app, shop_id)] == ["Casa", "Urgente"]
    assert version(app, shop_id) == before + 1


def test_moves_methods_up_and_down(app, client, merchant, three):
    _user_id, shop_id = merchant
    client.post(f"/dashboard/shipping/{three[2]}/move", data={"direction": "up"})
    assert [m[0] for m in methods(app, shop_id)] == ["Casa", "Urgente", "Tienda"]
    client.post(f"/dashboard/shipping/{three[0]}/move", data={"direction": "down"})
    assert [m[0] for m in methods(app, shop_id)] == ["Urgente", "Casa", "Tienda"]
    before = version(app, shop_id)
    client.post(f"/dashboard/shipping/{three[2]}/move", data={"direction": "up"})
    client.post(f"/dashboard/shipping/{three[1]}/move", data={"direction": "down"})
    assert [m[0] for m in methods(app, shop_id)] == ["Urgente", "Casa", "Tienda"]
    assert version(app, shop_id) == before  # nothing moved at either end


def test_move_needs_a_direction(client, three):
    assert client.post(f"/dashboard/shipping/{three[0]}/move", data={}).status_code == 400
    response = client.post(f"/dashboard/shipping/{three[0]}/move", data={"direction": "left"})
    assert response.status_code == 400


def test_stops_and_resumes_offering_a_method(app, client, merchant, three):
    _user_id, shop_id = merchant
    client.post(f"/dashboard/shipping/{three[0]}/toggle", data={"active": "0"})
    assert methods(app, shop_id)[0][3] is False
    # A double tap asks for the same state again: it stays off.
    client.post(f"/dashboard/shipping/{three[0]}/toggle", data={"active": "0"})
    assert methods(app, shop_id)[0][3] is False
    assert "Casa is hidden from shoppers." in client.get("/dashboard/shipping").text
    client.post(f"/dashboard/shipping/{three[0]}/toggle", data={"active": "1"})
    assert methods(app, shop_id)[0][3] is True
    assert client.post(f"/dashboard/shipping/{three[0]}/toggle", data={}).status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/dashboard/shipping/{id}/edit", None),
        ("post", "/dashboard/shipping/{id}/edit", {"name": "Mío", "price": "1", "kind": "pickup"}),
        ("post", "/dashboard/shipping/{id}/delete", {}),
        ("post", "/dashboard/shipping/{id}/move", {"direction": "up"}),
        ("post", "/dashboard/shipping/{id}/toggle", {"active": "0"}),
    ],
)
def test_another_merchants_method_is_not_found_and_stays_as_it_was(
    app, client, merchant, foreign, method, path, data
):
    foreign_shop_id, foreign_id = foreign
    before = version(app, foreign_shop_id)
    response = getattr(client, method)(path.format(id=foreign_id), data=data)
    assert response.status_code == 404
    assert "Ajeno" not in response.text
    assert methods(app, foreign_shop_id) == [("Ajeno", 500, True, True)]
    assert version(app, foreign_shop_id) == before


@pytest.mark.parametrize("method_id", ["0", "99999", "99999999999999999999"])
def test_unknown_ids_are_not_found(client, merchant, method_id):
    assert client.get(f"/dashboard/shipping/{method_id}/edit").status_code == 404
    assert client.post(f"/dashboard/shipping/{method_id}/delete", data={}).status_code == 404


def test_changes_need_a_csrf_token(app, client, merchant, three):
    _user_id, shop_id = merchant
    for path, data in [
        ("/dashboard/shipping/new", form(name="Sin token")),
        (f"/dashboard/shipping/{three[0]}/delete", {}),
        (f"/dashboard/shipping/{three[0]}/move", {"direction": "down"}),
        (f"/dashboard/shipping/{three[0]}/toggle", {"active": "0"}),
    ]:
        assert client.post(path, data=data, csrf=False).status_code == 400
    assert [m[0] for m in methods(app, shop_id)] == ["Casa", "Tienda", "Urgente"]
    assert methods(app, shop_id)[0][3] is True


def test_shipping_pages_need_a_shop(app, client, sign_in_as):
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        user_id = user.id
    sign_in_as(client, user_id)
    for path in ("/dashboard/shipping", "/dashboard/shipping/new"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/dashboard/setup")
