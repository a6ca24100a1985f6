"""Issue 22, the beacon's fast path: views, adds and checkouts are answered before
Flask and counted through each worker's buffer, written in bulk; the numbers are those
of counting one by one, and the buffer has bounds (a flood is dropped and counted)."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from shop.analytics import events
from shop.analytics.batch import count_batch
from shop.analytics.buffer import EventBuffer, event_buffer
from shop.extensions import db
from shop.models import Availability, DailyCount, DailySource, DailyVisitor, Item
from tests.analytics.test_collection import ANA, PHONE_UA, counts, send, sources
from tests.storefront.shopper import build_shop

NOW = datetime(2026, 12, 7, 12, 0)
DAY = date(2026, 12, 7)


@pytest.fixture
def ids(app):
    return build_shop(app)


@pytest.fixture
def held(app):
    """The app's buffer as a production worker has it: events wait for a flush."""
    buffer = event_buffer(app)
    buffer.write_through = False
    buffer._owner = os.getpid()  # as if its writer ran: none starts, the test flushes
    return buffer


def _tables(app) -> tuple:
    with app.app_context():
        return (
            sorted(db.session.execute(select(DailyCount.kind, DailyCount.item_id,
                                             DailyCount.count)).all()),
            sorted(
                db.session.execute(
                    select(DailySource.source, DailySource.campaign, DailySource.visitors,
                           DailySource.views, DailySource.orders)
                ).all()
            ),
            sorted(db.session.scalars(select(DailyVisitor.digest)).all()),
        )  # fmt: skip


def _events(ids) -> list[events.Event]:
    """Repeat visitors, every fast kind, forty campaigns (past the day's 30), emoji."""
    out = []
    for n in range(120):
        kind = [events.SHOP_VIEW, events.PRODUCT_VIEW, events.ADD, events.CHECKOUT][n % 4]
        out.append(
            events.Event(
                kind=kind,
                item_id=ids.shirt if kind in events.ITEM_KINDS else None,
                referrer_host="l.instagram.com" if n % 3 else "",
                utm_campaign=f"post {n % 40} 🌞" if n % 5 else "",
            )
        )
    return out


def test_a_batch_counts_exactly_as_one_event_at_a_time(app, ids):
    visitors = [f"198.51.100.{n % 17}" for n in range(120)]
    with app.app_context():
        # Some of the day's campaigns and visitors are there already.
        for n in range(25):
            events.record(ids.shop, events.Event("shop_view", utm_campaign=f"old {n}"),
                          f"203.0.113.{n % 9}", PHONE_UA, NOW)  # fmt: skip
        db.session.commit()
    base = _tables(app)
    with app.app_context():
        checked = [
            events.check(ids.shop, event, address, PHONE_UA, NOW, DAY)
            for event, address in zip(_events(ids), visitors, strict=True)
        ]
        for c in checked:
            events.count_in_database(c)
        db.session.commit()
    one_by_one = _tables(app)
    with app.app_context():
        for model in (DailyCount, DailySource, DailyVisitor):
            db.session.query(model).delete()
        db.session.commit()
        for n in range(25):
            events.record(ids.shop, events.Event("shop_view", utm_campaign=f"old {n}"),
                          f"203.0.113.{n % 9}", PHONE_UA, NOW)  # fmt: skip
        db.session.commit()
    assert _tables(app) == base
    with app.app_context():
        count_batch(checked)
        db.session.commit()
    assert _tables(app) == one_by_one
    assert ("visitor", 0, 9 + 17) in one_by_one[0]


def test_orders_are_never_batched(app, ids):
    order = events.Checked(ids.shop, DAY, events.ORDER, 0, "direct", "", "d" * 32, 100, "o")
    with app.app_context(), pytest.raises(ValueError, match="one by one"):
        count_batch([order])


def test_held_events_are_counted_by_the_flush(app, client, ids, held):
    for _ in range(3):
        assert send(client, {"k": "product_view", "i": ids.shirt, "s": "ig"}).status_code == 204
    send(client, {"k": "add", "i": ids.shirt}, address="198.51.100.7")
    assert counts(app) == {}
    assert len(held) == 4
    assert held.flush() == 4
    assert counts(app) == {("visitor", 0): 2, ("product_view", ids.shirt): 3, ("add", ids.shirt): 1}
    assert sources(app) == {("instagram", ""): (1, 3, 0, 0), ("direct", ""): (1, 0, 0, 0)}
    assert held.flush() == 0  # nothing counted twice


def test_a_full_buffer_drops_and_counts_what_it_refused(app, client, ids, held):
    held.max_events = 3
    for _ in range(5):
        assert send(client, {"k": "shop_view"}).status_code == 204
    assert (len(held), held.dropped) == (3, 2)
    held.flush()
    assert counts(app) == {("visitor", 0): 1, ("shop_view", 0): 3}


def test_a_failed_flush_is_retried_once_then_dropped_never_doubled(app, client, ids, held):
    send(client, {"k": "shop_view"})
    write, calls = held._write, []

    def flaky(batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        write(batch)

    held._write = flaky
    assert held.flush() == 1
    assert counts(app) == {("visitor", 0): 1, ("shop_view", 0): 1}
    send(client, {"k": "shop_view"})

    def broken(batch):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    held._write = broken
    assert (held.flush(), held.dropped) == (0, 1)
    assert counts(app) == {("visitor", 0): 1, ("shop_view", 0): 1}


def test_views_skip_flask_and_orders_still_reach_the_view(app, client, ids):
    seen = []
    app.before_request(lambda: seen.append(__import__("flask").request.endpoint))
    send(client, {"k": "shop_view"})
    send(client, {"k": "add", "i": ids.cap})
    send(client, {"k": "checkout"})
    assert seen == []
    send(client, {"k": "order", "o": "x" * 43})
    send(client, "{")
    assert seen == ["storefront.beacon", "storefront.beacon"]
    assert counts(app) == {("visitor", 0): 1, ("shop_view", 0): 1, ("add", ids.cap): 1,
                           ("checkout", 0): 1}  # fmt: skip


def test_a_product_hidden_since_is_no_longer_counted(app, client, ids):
    send(client, {"k": "product_view", "i": ids.cap})
    with app.app_context():
        db.session.get(Item, ids.cap).availability = Availability.HIDDEN
        db.session.commit()
    send(client, {"k": "product_view", "i": ids.cap})
    send(client, {"k": "product_view", "i": ids.sold_out})  # shown, though sold out
    assert counts(app) == {("visitor", 0): 1, ("product_view", ids.cap): 1,
                           ("product_view", ids.sold_out): 1}  # fmt: skip


def test_a_suspended_or_unknown_shop_counts_nothing(app, client, ids):
    with app.app_context():
        from shop.models import Shop

        db.session.get(Shop, ids.shop).suspended_at = datetime.now(UTC).replace(tzinfo=None)
        db.session.commit()
    assert send(client, {"k": "shop_view"}).status_code == 204
    response = client.post(
        "/s/no-such-shop/e",
        data=json.dumps({"k": "shop_view"}),
        headers={"User-Agent": PHONE_UA},
        environ_base={"REMOTE_ADDR": ANA},
    )
    assert response.status_code == 204
    assert counts(app) == {}


def test_the_fast_answer_is_the_views_answer(app, client, ids):
    response = send(client, {"k": "shop_view", "c": "ñandú 🌵"})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers
    assert ANA not in str(response.headers)


def test_the_buffer_writes_through_in_apps_under_test(app):
    assert EventBuffer(app).write_through is True
