"""One tap to tell the shopper: the status moves, then WhatsApp opens to the shopper's
number with the news typed in, in the order's language (or the text shows to copy)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from shop.extensions import db
from shop.models import Order, OrderStatus, PaymentKind, Shop
from tests import factories


@pytest.fixture
def shop_id(merchant):
    return merchant[1]


def _order(app, shop_id, *, phone="+525512345678", status="new", language="en", **fields) -> int:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        order = factories.make_order(
            shop,
            status=status,
            customer_name="Zoë",
            customer_phone=phone,
            language=language,
            payment_kind=PaymentKind.BANK_TRANSFER.value,
            payment_name="Transferencia",
            payment_details="IBAN ES12 3456",
            **fields,
        )
        db.session.commit()
        return order.id


def _wa(location: str) -> tuple[str, list[str]]:
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc) == ("https", "wa.me")
    return parts.path.lstrip("/"), parse_qs(parts.query)["text"][0].split("\n")


def _move(client, order_id, **data):
    return client.post(f"/dashboard/orders/{order_id}/status", data=data)


def test_confirming_opens_whatsapp_to_the_shopper_with_total_and_payment(app, client, shop_id):
    order_id = _order(app, shop_id)
    response = _move(client, order_id, status="confirmed")
    assert response.status_code == 303
    digits, lines = _wa(response.headers["Location"])
    assert digits == "525512345678"
    assert lines[0].startswith("Hello Zoë, this is ")
    assert re.fullmatch(r"Your order #\d+ is confirmed\. Total: €51\.50\.", lines[1])
    assert lines[2:4] == ["Payment: Transferencia", "IBAN ES12 3456"]
    assert lines[-1].startswith("Your order: http://localhost/o/")
    with app.app_context():
        assert db.session.get(Order, order_id).status == OrderStatus.CONFIRMED


@pytest.mark.parametrize(
    ("start", "target", "shipping", "news"),
    [
        ("confirmed", "preparing", ("Moto", 300), "We are preparing your order"),
        ("preparing", "ready", None, "is ready for pickup."),
        ("preparing", "ready", ("Moto", 300), "is on its way."),
        ("ready", "delivered", None, "You picked up your order"),
        ("ready", "delivered", ("Moto", 300), "was delivered. Thank you!"),
        ("cancelled", "new", None, "is open again."),
    ],
)
def test_each_step_has_its_news(app, client, shop_id, start, target, shipping, news):
    order_id = _order(app, shop_id, status=start, shipping=shipping)
    response = _move(client, order_id, status=target)
    _digits, lines = _wa(response.headers["Location"])
    assert news in lines[1]


def test_the_message_is_in_the_orders_language(app, client, shop_id):
    order_id = _order(app, shop_id, language="es")
    _digits, lines = _wa(_move(client, order_id, status="confirmed").headers["Location"])
    assert lines[0].startswith("Hola Zoë")
    assert "confirmado" in lines[1]


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({"reason": "stock"}, "Reason: We ran out of a product in your order."),
        ({"reason": "stock", "note": "  Se acabó el pan 🍞 "}, "Reason: Se acabó el pan 🍞"),
        ({"reason": "bogus"}, None),
        ({}, None),
    ],
)
def test_cancelling_says_why(app, client, shop_id, form, reason):
    order_id = _order(app, shop_id)
    _digits, lines = _wa(_move(client, order_id, status="cancelled", **form).headers["Location"])
    assert "is cancelled" in lines[1]
    if reason:
        assert lines[2] == reason
    else:
        assert lines[2].startswith("Your order: ")


def test_a_huge_reason_is_cut_and_the_link_stays_short(app, client, shop_id):
    order_id = _order(app, shop_id)
    response = _move(client, order_id, status="cancelled", note="🍞" * 5000)
    location = response.headers["Location"]
    assert len(location) <= 2000
    _digits, lines = _wa(location)
    assert lines[-1].startswith("Your order: http://localhost/o/")


def test_without_a_number_the_page_shows_the_text_to_copy(app, client, shop_id):
    order_id = _order(app, shop_id, phone="")
    response = _move(client, order_id, status="confirmed")
    assert response.headers["Location"].endswith(f"/dashboard/orders/{order_id}#tell")
    page = client.get(f"/dashboard/orders/{order_id}").text
    tell = page[page.index('id="tell"') :]
    text = unescape(re.search(r'<textarea id="tell-text"[^>]*>(.*?)</textarea>', tell, re.S)[1])
    assert "is confirmed. Total: €51.50." in text
    assert 'data-copy="tell-text"' in tell
    assert "wa.me" not in tell
    assert 'target="_blank" data-tell' not in page  # nothing to open: the same tab


def test_with_a_number_the_buttons_open_a_new_tab_and_the_page_says_not_verified(
    app, client, shop_id
):
    order_id = _order(app, shop_id)
    page = client.get(f"/dashboard/orders/{order_id}").text
    assert "+52 55 1234 5678" in page
    assert "not verified" in page
    assert 'target="_blank" data-tell' in page
    assert "The shopper wrote to you on WhatsApp" not in page


def test_a_repeated_or_stale_tap_opens_nothing(app, client, shop_id):
    order_id = _order(app, shop_id)
    assert (
        _move(client, order_id, status="confirmed").headers["Location"].startswith("https://wa.me/")
    )
    again = _move(client, order_id, status="confirmed")
    assert again.headers["Location"].endswith(f"/dashboard/orders/{order_id}")
    stale = _move(client, order_id, status="new")
    assert stale.headers["Location"].endswith(f"/dashboard/orders/{order_id}")
    page = client.get(f"/dashboard/orders/{order_id}").text
    assert "already confirmed" in page


def test_the_list_has_the_next_step_per_order(app, client, shop_id):
    ids = [
        _order(app, shop_id, status=s)
        for s in ("new", "confirmed", "ready", "delivered", "cancelled")
    ]
    page = client.get("/dashboard/orders").text
    steps = re.findall(r'name="status" value="(\w+)">\s*<input type="hidden" name="back"', page)
    assert steps == ["delivered", "preparing", "confirmed"]  # newest first; none when done
    response = _move(client, ids[0], status="confirmed", back="list")
    assert response.headers["Location"].startswith("https://wa.me/525512345678")
    with app.app_context():
        no_phone = _order(app, shop_id, phone="")
    back = _move(client, no_phone, status="confirmed", back="list")
    assert back.headers["Location"].endswith(f"/dashboard/orders/{no_phone}#tell")
