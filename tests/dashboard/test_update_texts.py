"""The merchant's own texts for telling the shopper an order moved on: checked like the
order message's lines, previewed by the server's own code, carried by the wa.me link."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.models import Shop
from tests.dashboard.test_ordering_rules import rules_form, shop_of
from tests.dashboard.test_tell_shopper import _move, _order, _wa


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _save(client, **texts):
    data = rules_form(**{f"update_{kind}": text for kind, text in texts.items()})
    return client.post("/dashboard/rules", data=data)


def test_saved_texts_are_kept_per_kind_and_empty_ones_stay_default(app, client, shop_id):
    response = _save(client, confirmed="  ¡Listo {name}! #{number} = {total} 🎉 ", ready_pickup="")
    assert response.status_code == 302
    shop = shop_of(app, shop_id)
    assert shop.update_texts == {"confirmed": "¡Listo {name}! #{number} = {total} 🎉"}
    page = client.get("/dashboard/rules").get_data(as_text=True)
    assert 'value="¡Listo {name}! #{number} = {total} 🎉"' in page
    assert "¡Listo Ana! #1042 = 51,50\xa0€ 🎉" in page  # the preview, from the saved text


def test_the_wa_me_link_carries_the_edited_text(app, client, shop_id):
    _save(client, confirmed="{name}, tu pedido {number} de {shop} va: {total} ✅")
    order_id = _order(app, shop_id)
    response = _move(client, order_id, status="confirmed")
    assert response.status_code == 303
    digits, lines = _wa(response.headers["Location"])
    assert digits == "525512345678"
    shop = shop_of(app, shop_id)
    number = lines[1].split(" ")[3]
    assert lines[1] == f"Zoë, tu pedido {number} de {shop.name} va: €51.50 ✅"
    assert lines[2:4] == ["Payment: Transferencia", "IBAN ES12 3456"]  # still added
    assert lines[-1].startswith("Your order: http://localhost/o/")


@pytest.mark.parametrize(
    ("kind", "start", "target", "shipping"),
    [
        ("preparing", "confirmed", "preparing", None),
        ("ready_pickup", "preparing", "ready", None),
        ("on_the_way", "preparing", "ready", ("Moto", 300)),
        ("picked_up", "ready", "delivered", None),
        ("delivered", "ready", "delivered", ("Moto", 300)),
        ("cancelled", "new", "cancelled", None),
    ],
)
def test_each_kind_uses_its_own_text(app, client, shop_id, kind, start, target, shipping):
    _save(client, **{kind: f"Mine: {kind} {{name}}"})
    order_id = _order(app, shop_id, status=start, shipping=shipping)
    response = _move(client, order_id, status=target, reason="stock", note="Sin stock")
    _digits, lines = _wa(response.headers["Location"])
    assert lines[1] == f"Mine: {kind} Zoë"
    if kind == "cancelled":
        assert "Reason: Sin stock" in lines


def test_a_text_for_one_kind_leaves_the_others_default(app, client, shop_id):
    _save(client, on_the_way="Va en camino 🛵")
    order_id = _order(app, shop_id, status="preparing", shipping=None)  # pickup
    _digits, lines = _wa(_move(client, order_id, status="ready").headers["Location"])
    assert lines[1].endswith("is ready for pickup.")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hola {tienda}", "{tienda} is not a placeholder we know"),
        ("Hola {name.__class__}", "is not a placeholder we know"),
        ("Total {total:>99999}", "is not a placeholder we know"),
        ("Adiós {", "not closed"),
        ("x" * 301, "At most 300 characters"),
        ("🎉" * 5000, "At most 300 characters"),
    ],
)
def test_bad_texts_are_refused_and_nothing_is_saved(app, client, shop_id, text, message):
    _save(client, preparing="Kept {name}")
    response = _save(client, preparing="Changed", cancelled=text, time_zone="Europe/Madrid")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body.replace("&#34;", '"')
    assert 'value="Changed"' in body  # what was typed is not lost
    assert shop_of(app, shop_id).update_texts == {"preparing": "Kept {name}"}


def test_emptying_a_text_goes_back_to_the_default(app, client, shop_id):
    _save(client, preparing="Preparando 🍕")
    _save(client, preparing="")
    assert shop_of(app, shop_id).update_texts is None


def test_a_form_without_the_fields_keeps_the_texts(app, client, shop_id):
    _save(client, delivered="Entregado {name}")
    client.post("/dashboard/rules", data=rules_form(min_order="5"))
    assert shop_of(app, shop_id).update_texts == {"delivered": "Entregado {name}"}


def test_the_live_preview_is_the_server_message_in_the_shops_language(app, client, shop_id):
    headers = {"X-CSRFToken": client.csrf_token()}
    response = client.post(
        "/dashboard/rules/preview",
        json={"greeting": "", "update_confirmed": "¡Confirmado {name}! {total} 🧾"},
        headers=headers,
    )
    assert response.status_code == 200
    updates = response.get_json()["updates"]
    shop = shop_of(app, shop_id)
    assert set(updates) == {
        "confirmed",
        "preparing",
        "ready_pickup",
        "on_the_way",
        "picked_up",
        "delivered",
        "cancelled",
    }
    lines = updates["confirmed"].split("\n")
    assert lines[0] == f"Hola Ana, te escribimos de {shop.name}."
    assert lines[1] == "¡Confirmado Ana! 51,50\xa0€ 🧾"
    assert updates["preparing"].split("\n")[1] == "Estamos preparando tu pedido #1042."


def test_the_live_preview_names_the_bad_field(app, client, shop_id):
    headers = {"X-CSRFToken": client.csrf_token()}
    response = client.post(
        "/dashboard/rules/preview", json={"update_picked_up": "{0}"}, headers=headers
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "update_picked_up"
    with app.app_context():
        assert db.session.get(Shop, shop_id).update_texts is None
