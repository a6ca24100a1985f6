"""An e-mail per new order, through the real checkout, the job queue and a local SMTP
server: sent when the shop turned it on, in the shop's language, once per order (a
repeated checkout sends nothing), never when it is off or mail is not configured."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop import jobs
from shop.extensions import db
from shop.models import Job, Shop
from tests.jobs.test_mail import inbox  # noqa: F401  (the fixture)
from tests.storefront.shopper import build_shop, orders, post_cart


@pytest.fixture
def ids(app):
    return build_shop(app)


def _turn_on(app, shop_id, on=True, **fields):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shop.email_new_orders = on
        for name, value in fields.items():
            setattr(shop, name, value)
        db.session.commit()
        return shop.owner.email


def _mail_jobs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == "mail"))


def test_each_new_order_reaches_the_owner_once(app, client, ids, inbox):  # noqa: F811
    owner = _turn_on(app, ids.shop)
    body_fields = {
        "name": "Zoë 🌻\r\nBcc: evil@example.com",
        "notes": "Sin cebolla <script>alert(1)</script>",
        "phone": "612 345 678",
        "idempotency_key": "k" * 32,
    }
    response = post_cart(client, ids, **body_fields)
    assert response.status_code == 200
    again = post_cart(client, ids, **body_fields)  # a second tap: the same order
    assert again.get_json()["number"] == response.get_json()["number"]

    with app.app_context():
        jobs.drain()

    (envelope,) = inbox.received
    assert envelope.rcpt_tos == [owner]
    (message,) = inbox.messages()
    (order,) = orders(app, ids.shop)
    assert message["Subject"] == f"New order #{order.number} · Tienda Sol"
    assert message["Bcc"] is None
    text = message.get_content()
    assert f"New order #{order.number}" in text
    assert "2 x Camiseta azul - €40.00" in text
    assert "Total: €51.50" in text
    assert "Sin cebolla <script>alert(1)</script>" in text  # plain text: inert as it is
    assert "+34 612 34 56 78" in text
    assert f"/dashboard/orders/{order.id}" in text


def test_the_mail_speaks_the_shops_language(app, client, ids, inbox):  # noqa: F811
    _turn_on(app, ids.shop, language="es")
    assert post_cart(client, ids).status_code == 200
    with app.app_context():
        jobs.drain()
    (message,) = inbox.messages()
    assert message["Subject"].startswith("Pedido nuevo #")
    assert "Total: 51,50" in message.get_content()


def test_nothing_is_sent_when_the_shop_has_it_off(app, client, ids, inbox):  # noqa: F811
    _turn_on(app, ids.shop, on=False)
    assert post_cart(client, ids).status_code == 200
    with app.app_context():
        jobs.drain()
    assert inbox.received == []
    assert _mail_jobs(app) == 0


def test_nothing_is_queued_without_a_mail_server_and_the_order_stands(app, client, ids):
    _turn_on(app, ids.shop)
    assert post_cart(client, ids).status_code == 200
    assert _mail_jobs(app) == 0
    assert len(orders(app, ids.shop)) == 1


def test_a_refused_order_sends_nothing(app, client, ids, inbox):  # noqa: F811
    _turn_on(app, ids.shop)
    assert (
        post_cart(client, ids, lines=[{"item_id": ids.sold_out, "quantity": 1}]).status_code == 422
    )
    assert _mail_jobs(app) == 0


def test_the_orders_page_says_where_the_mail_goes(app, client, ids, sign_in_as, inbox):  # noqa: F811
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        owner_id, email = shop.owner_id, shop.owner.email
    sign_in_as(client, owner_id)
    page = client.get("/dashboard/orders").get_data(as_text=True)
    assert f"Sent to {email}." in page
    app.config["MAIL_SERVER"] = ""
    page = client.get("/dashboard/orders").get_data(as_text=True)
    assert "not set up to send e-mail" in page
