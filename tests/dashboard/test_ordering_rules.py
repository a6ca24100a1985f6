"""The merchant sets ordering rules, payment methods and free shipping in the dashboard."""

import re

import pytest

from shop.extensions import db
from shop.models import PaymentMethod, ShippingMethod, Shop
from tests import factories


def rules_form(**overrides):
    base = {
        "min_order": "",
        "time_zone": "Europe/Madrid",
        "closed_policy": "refuse",
        "greeting": "",
        "closing": "",
    } | {f"day_{day}": "" for day in range(7)}
    return base | overrides


def shop_of(app, shop_id) -> Shop:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        db.session.expunge(shop)
        return shop


def test_saves_minimum_hours_policy_and_texts_and_bumps_the_version(app, client, merchant):
    _user, shop_id = merchant
    before = shop_of(app, shop_id).catalog_version
    response = client.post(
        "/dashboard/rules",
        data=rules_form(
            min_order="25.50",
            day_0="9-14, 17-20",
            day_4="20:00-02:00",
            closed_policy="note",
            greeting="Hola {shop} 👋",
            closing="¡Gracias!",
        ),
    )
    assert response.status_code == 302
    shop = shop_of(app, shop_id)
    assert shop.min_order_minor == 2550
    assert shop.opening_hours == {
        "0": [["09:00", "14:00"], ["17:00", "20:00"]],
        "4": [["20:00", "02:00"]],
    }
    assert (shop.closed_policy.value, shop.time_zone) == ("note", "Europe/Madrid")
    assert (shop.greeting_text, shop.closing_text) == ("Hola {shop} 👋", "¡Gracias!")
    assert shop.catalog_version > before
    page = client.get("/dashboard/rules").get_data(as_text=True)
    assert 'value="09:00-14:00, 17:00-20:00"' in page
    assert "Hola Tienda" in page  # the preview, rendered with the saved text


def test_empty_week_means_no_hours(app, client, merchant):
    client.post("/dashboard/rules", data=rules_form(day_2="9-13"))
    client.post("/dashboard/rules", data=rules_form())
    assert shop_of(app, merchant[1]).opening_hours is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day_1": "9 to"}, "is not a range"),
        ({"day_1": "9-12, 11-13"}, "overlap"),
        ({"day_1": "x" * 5000}, "Too long"),
        ({"min_order": "abc"}, ""),
        ({"greeting": "Hola {tienda}"}, "{tienda} is not a placeholder we know"),
        ({"closing": "Adiós {"}, "not closed"),
        ({"time_zone": "Mars/Olympus"}, "Not a valid choice"),
    ],
)
def test_refuses_bad_input_and_keeps_what_was_saved(app, client, merchant, fields, message):
    response = client.post("/dashboard/rules", data=rules_form(**fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert shop_of(app, merchant[1]).opening_hours is None


def test_spanish_errors(app, client, merchant):
    with client.session_transaction() as session:
        session["lang"] = "es"
    response = client.post("/dashboard/rules", data=rules_form(day_0="25-26"))
    assert "no es una hora" in response.get_data(as_text=True)


def test_preview_is_the_server_message(app, client, merchant):
    token = client.csrf_token()
    response = client.post(
        "/dashboard/rules/preview",
        json={"greeting": "¡Hola {shop}! 🎉", "closing": "Total {total}"},
        headers={"X-CSRFToken": token},
    )
    text = response.get_json()["text"]
    shop = shop_of(app, merchant[1])
    assert text.split("\n")[0] == f"¡Hola {shop.name}! 🎉"
    assert text.split("\n")[-1] == "Total 51,50\xa0€"
    assert "*Pedido #1042*" in text  # the shop's language


def test_preview_refuses_unknown_placeholders_and_bad_bodies(app, client, merchant):
    headers = {"X-CSRFToken": client.csrf_token()}
    bad = client.post("/dashboard/rules/preview", json={"greeting": "{x}"}, headers=headers)
    assert bad.status_code == 422
    assert bad.get_json()["field"] == "greeting"
    odd = client.post("/dashboard/rules/preview", json=["x"], headers=headers)
    assert odd.status_code == 400
    assert client.post("/dashboard/rules/preview", json={}).status_code == 400  # no CSRF


def test_rules_need_sign_in(app):
    assert app.test_client().get("/dashboard/rules").status_code == 302


def test_payment_methods_add_edit_remove(app, client, merchant):
    shop_id = merchant[1]
    response = client.post(
        "/dashboard/payments",
        data={"kind": "bank_transfer", "name": "", "details": "IBAN ES12\nTitular Ana"},
    )
    assert response.status_code == 302
    with app.app_context():
        (method,) = db.session.get(Shop, shop_id).payment_methods
        method_id = method.id
        assert (method.name, method.details) == ("Bank transfer", "IBAN ES12\nTitular Ana")
    response = client.post(
        f"/dashboard/payments/{method_id}/edit",
        data={"kind": "link", "name": "Paga 💳", "details": "https://pay.example/x", "active": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        method = db.session.get(PaymentMethod, method_id)
        assert (method.kind.value, method.name) == ("link", "Paga 💳")
    client.post(f"/dashboard/payments/{method_id}/delete", data={})
    with app.app_context():
        assert db.session.get(PaymentMethod, method_id) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "link", "details": "javascript:alert(1)"}, "https://"),
        ({"kind": "link", "details": "ftp://x.example"}, "https://"),
        ({"kind": "bank_transfer", "details": ""}, "IBAN"),
        ({"kind": "crypto", "details": ""}, "Not a valid choice"),
        ({"kind": "other", "name": "n" * 200, "details": ""}, "at most 80"),
    ],
)
def test_payment_methods_refuse_bad_input(app, client, merchant, fields, message):
    response = client.post("/dashboard/payments", data={"name": "", **fields})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Shop, merchant[1]).payment_methods == []


def test_another_merchants_payment_method_is_404(app, client, merchant):
    with app.app_context():
        other = factories.make_shop(factories.make_user())
        method = PaymentMethod(shop=other, kind="cash", name="Suyo", details="")
        db.session.add(method)
        db.session.commit()
        method_id = method.id
    assert client.get(f"/dashboard/payments/{method_id}/edit").status_code == 404
    assert client.post(f"/dashboard/payments/{method_id}/delete", data={}).status_code == 404
    with app.app_context():
        assert db.session.get(PaymentMethod, method_id) is not None


def test_shipping_free_from_amount(app, client, merchant):
    form = {"name": "Envío", "price": "4.00", "kind": "delivery", "active": "y"}
    client.post("/dashboard/shipping/new", data=form | {"free_above": "50"})
    with app.app_context():
        (method,) = db.session.get(Shop, merchant[1]).shipping_methods
        method_id = method.id
        assert (method.price_minor, method.free_above_minor) == (400, 5000)
    page = client.get(f"/dashboard/shipping/{method_id}/edit").get_data(as_text=True)
    assert 'value="50,00"' in page  # the shop's format (Spain)
    client.post(f"/dashboard/shipping/{method_id}/edit", data=form | {"free_above": ""})
    with app.app_context():
        assert db.session.get(ShippingMethod, method_id).free_above_minor is None
    bad = client.post(f"/dashboard/shipping/{method_id}/edit", data=form | {"free_above": "-3"})
    assert bad.status_code == 422


@pytest.mark.parametrize("policy", ["off", "optional", "required"])
def test_saves_whether_checkout_asks_for_the_shoppers_number(app, client, merchant, policy):
    _user, shop_id = merchant
    before = shop_of(app, shop_id).catalog_version
    response = client.post("/dashboard/rules", data=rules_form(ask_phone=policy))
    assert response.status_code == 302
    shop = shop_of(app, shop_id)
    assert shop.ask_phone.value == policy
    # The cart page shows the question or not: its cached copies must renew.
    assert shop.catalog_version > before or policy == "optional"
    page = client.get("/dashboard/rules").get_data(as_text=True)
    radio = re.search(rf'<input[^>]*name="ask_phone"[^>]*value="{policy}"[^>]*>', page)[0]
    assert "checked" in radio


def test_a_rules_form_without_the_setting_keeps_it(app, client, merchant):
    _user, shop_id = merchant
    client.post("/dashboard/rules", data=rules_form(ask_phone="required"))
    assert client.post("/dashboard/rules", data=rules_form()).status_code == 302
    assert shop_of(app, shop_id).ask_phone.value == "required"
    bad = client.post("/dashboard/rules", data=rules_form(ask_phone="always"))
    assert bad.status_code == 422
    assert shop_of(app, shop_id).ask_phone.value == "required"
