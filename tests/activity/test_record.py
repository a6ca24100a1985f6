"""The one writer: what a row holds, cleaned and cut, and how changes are split by kind."""

from __future__ import annotations

from datetime import date

from shop.activity import differences, record, record_changes, snapshot
from shop.extensions import db
from shop.models import Activity, ActivityKind, Order, OrderStatus
from tests.activity.conftest import rows


def test_a_row_holds_who_when_what_and_the_details_as_json(app, team):
    with app.app_context():
        record(
            team.shop,
            ActivityKind.PRICE,
            "  Camiseta\u202e azul\n🌻 ",
            by=team.manager,
            details={"price_minor": [2000, 2500], "on": date(2026, 12, 6)},
        )
        db.session.commit()
    (row,) = rows(app, team.shop, kind=ActivityKind.PRICE)
    assert row.changed_by_id == team.manager
    assert row.subject == "Camiseta azul 🌻"  # no bidi override, one line
    assert row.details == {"price_minor": [2000, 2500], "on": "2026-12-06"}
    assert row.order_id is None
    assert row.status is None


def test_huge_values_are_cut_so_the_log_stays_a_log(app, team):
    with app.app_context():
        record(team.shop, ActivityKind.ITEM, "x" * 5000, details={"description": ["", "y" * 9000]})
        db.session.commit()
    (row,) = rows(app, team.shop, kind=ActivityKind.ITEM)
    assert len(row.subject) == 200
    assert len(row.details["description"][1]) == 300


def test_an_orders_row_is_its_history_in_its_shop_named_by_its_number(app, team):
    with app.app_context():
        order = db.session.get(Order, team.order)
        record(team.shop, ActivityKind.PAYMENT, by=team.owner, order=order)
        db.session.commit()
        number = order.number
    (row,) = rows(app, team.shop, kind=ActivityKind.PAYMENT)
    assert (row.order_id, row.subject, row.status) == (team.order, f"#{number}", OrderStatus.NEW)


def test_appending_to_an_orders_history_takes_the_orders_shop(app, team):
    with app.app_context():
        order = db.session.get(Order, team.order)
        order.status_changes.append(Activity(status=OrderStatus.CONFIRMED))
        db.session.commit()
    assert rows(app, team.shop)[-1].status == OrderStatus.CONFIRMED


def test_changes_are_split_by_kind_and_nothing_changed_records_nothing(app, team):
    before = {"name": "Gorra", "price_minor": 850, "stock": 3}
    after = {"name": "Gorra 🧢", "price_minor": 900, "stock": 3}
    assert differences(before, after) == {"name": ["Gorra", "Gorra 🧢"], "price_minor": [850, 900]}
    with app.app_context():
        made = record_changes(
            team.shop,
            "Gorra 🧢",
            before,
            after,
            kind=ActivityKind.ITEM,
            by=team.owner,
            kinds={"price_minor": ActivityKind.PRICE},
        )
        assert record_changes(team.shop, "x", after, after, kind=ActivityKind.ITEM) == []
        db.session.commit()
        assert {row.kind for row in made} == {ActivityKind.ITEM, ActivityKind.PRICE}
    kinds = {row.kind: row.details for row in rows(app, team.shop) if row.order_id is None}
    assert kinds == {
        ActivityKind.ITEM: {"name": ["Gorra", "Gorra 🧢"]},
        ActivityKind.PRICE: {"price_minor": [850, 900]},
    }


def test_snapshot_reads_enums_by_value():
    class Thing:
        status = OrderStatus.READY
        name = "Pan"

    assert snapshot(Thing(), ["status", "name", "missing"]) == {
        "status": "ready",
        "name": "Pan",
        "missing": None,
    }
