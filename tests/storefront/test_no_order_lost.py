"""No order lost (issue 5, "Faults"): what a shopper was sent to WhatsApp with is on
record for good, and a failure after the order is recorded leaves a complete order the
shopper gets back by trying again."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import func, select

from shop import create_app
from shop.extensions import db
from shop.models import Activity, Order, OrderLine
from shop.whatsapp import message as whatsapp
from tests.conftest import _test_config
from tests.storefront.shopper import build_shop, cart

NUMBER = re.compile(r"\*(?:Order|Pedido) #(\d+)\*")
LINK = re.compile(r"/o/([A-Za-z0-9_-]{43})")
WA_LINK = re.compile(r"https://wa\.me/[^\"]+")


def sent_to_whatsapp(url: str) -> tuple[int, str]:
    """The order number and order-page token in a wa.me link's message."""
    parts = urlsplit(url)
    assert parts.scheme == "https"
    assert parts.netloc == "wa.me"
    text = unquote(parse_qs(parts.query)["text"][0])
    return int(NUMBER.search(text).group(1)), LINK.search(text).group(1)


def form_checkout(ids, **fields) -> dict:
    values = {
        "item_id": str(ids.shirt),
        "quantity": "2",
        "shipping_method_id": str(ids.pickup),
        "name": "Luis",
        "idempotency_key": "form-key-" + "x" * 16,
    }
    return values | fields


def complete_orders(app) -> dict[tuple[int, str], tuple[int, int]]:
    """(number, token) -> (lines, status changes) of every order, read by `app`."""
    with app.app_context():
        rows = db.session.execute(
            select(
                Order.number,
                Order.token,
                select(func.count(OrderLine.id))
                .where(OrderLine.order_id == Order.id)
                .scalar_subquery(),
                select(func.count(Activity.id))
                .where(Activity.order_id == Order.id)
                .scalar_subquery(),
            )
        ).all()
        db.session.remove()
    return {(number, token): (lines, changes) for number, token, lines, changes in rows}


def test_every_order_sent_to_whatsapp_is_there_after_a_restart(app, migrated, tmp_path):
    ids = build_shop(app)
    shopper = app.test_client()
    sent = []
    for n in range(6):
        response = shopper.post(f"/s/{ids.slug}/checkout", json=cart(ids, name=f"Ana {n}"))
        assert response.status_code == 200
        sent.append((sent_to_whatsapp(response.json["whatsapp_url"]), 2))
    for n in range(3):
        response = shopper.post(
            f"/s/{ids.slug}/checkout",
            data=form_checkout(ids, name=f"Luis {n}", idempotency_key=f"form-{n}-" + "x" * 16),
            csrf=False,
        )
        assert response.status_code == 303
        sent.append((sent_to_whatsapp(response.headers["Location"]), 1))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the old app lets go of every connection: it is gone

    restarted = create_app(_test_config(migrated, tmp_path / "media-2"))
    on_record = complete_orders(restarted)
    for (number, token), lines in sent:
        assert on_record[(number, token)] == (lines, 1)
        page = restarted.test_client().get(f"/o/{token}", headers={"Accept-Language": "en"})
        assert page.status_code == 200
    assert sorted(number for number, _token in on_record) == list(range(1, 10))
    with restarted.app_context():
        db.engine.dispose()


@pytest.fixture
def crashing_link(app, monkeypatch):
    """Building the wa.me link fails after the order is committed (a bug, a dying worker)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the real error page, as in production

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died while writing the WhatsApp link")

    monkeypatch.setattr(whatsapp, "order_link", crash)
    return monkeypatch


def test_a_crash_after_recording_leaves_a_complete_order_that_a_retry_returns(app, crashing_link):
    ids = build_shop(app)
    shopper = app.test_client()
    body = cart(ids)
    crashed = shopper.post(f"/s/{ids.slug}/checkout", json=body)
    assert crashed.status_code == 500
    assert "wa.me" not in crashed.get_data(as_text=True)
    on_record = complete_orders(app)
    assert list(on_record.values()) == [(2, 1)]  # the order and all of it, once
    [(number, token)] = on_record

    crashing_link.undo()  # the next try finds a healthy worker
    retried = shopper.post(f"/s/{ids.slug}/checkout", json=body)
    assert retried.status_code == 200
    assert retried.json["number"] == number
    assert retried.json["order_url"].endswith(f"/o/{token}")
    assert sent_to_whatsapp(retried.json["whatsapp_url"]) == (number, token)
    assert complete_orders(app) == on_record  # nothing ordered twice
    page = shopper.get(f"/o/{token}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "https://wa.me/" in page.get_data(as_text=True)  # the shopper can send it from here


def test_a_crash_after_recording_a_no_javascript_order_is_recovered_the_same_way(
    app, crashing_link
):
    ids = build_shop(app)
    shopper = app.test_client()
    form = form_checkout(ids)
    assert shopper.post(f"/s/{ids.slug}/checkout", data=form, csrf=False).status_code == 500
    [(number, token)] = complete_orders(app)

    crashing_link.undo()
    again = shopper.post(f"/s/{ids.slug}/checkout", data=form, csrf=False)
    assert again.status_code == 303  # to the order already placed, which opens WhatsApp
    assert again.headers["Location"].endswith(f"/o/{token}?repeated=1")
    page = shopper.get(again.headers["Location"], headers={"Accept-Language": "en"})
    link = html.unescape(WA_LINK.search(page.get_data(as_text=True)).group(0))
    assert sent_to_whatsapp(link) == (number, token)
    assert len(complete_orders(app)) == 1
