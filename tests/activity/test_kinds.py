"""Each kind of change, made through the dashboard by a member of the team, is recorded
once with that member as its author (issue 26, part 4)."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.models import ActivityKind, Item, Order, OrderStatus, User
from shop.ordering.edits import Edit, edit_order
from tests import factories
from tests.activity.conftest import rows

EN = {"Accept-Language": "en"}


def only(app, team, kind) -> object:
    found = rows(app, team.shop, kind=kind)
    assert len(found) == 1, found
    return found[0]


def test_an_order_status_move_names_the_staff_member_who_made_it(app, team, as_member):
    staff = as_member("staff")
    answer = staff.post(f"/dashboard/orders/{team.order}/status", data={"status": "confirmed"})
    assert answer.status_code in (302, 303)
    moves = rows(app, team.shop, kind=ActivityKind.STATUS)
    assert [(m.status, m.changed_by_id) for m in moves] == [
        (OrderStatus.NEW, None),  # the shopper's own order
        (OrderStatus.CONFIRMED, team.staff),
    ]
    assert moves[-1].order_id == team.order


def test_marking_paid_and_unpaid_is_recorded_with_the_person(app, team, as_member):
    manager = as_member("manager")
    manager.post(f"/dashboard/orders/{team.order}/paid", data={"method": "Bizum 💸"})
    with app.app_context():
        seen = db.session.get(Order, team.order).paid_at.isoformat()
    as_member("owner").post(f"/dashboard/orders/{team.order}/unpaid", data={"seen": seen})
    marks = rows(app, team.shop, kind=ActivityKind.PAYMENT)
    assert [(m.changed_by_id, m.details["paid"]) for m in marks] == [
        (team.manager, [False, True]),
        (team.owner, [True, False]),
    ]
    assert marks[0].details["method"] == "Bizum 💸"


def test_a_second_tap_on_paid_records_one_mark(app, team, as_member):
    manager = as_member("manager")
    for _ in range(2):
        manager.post(f"/dashboard/orders/{team.order}/paid", data={"method": "Efectivo"})
    assert len(rows(app, team.shop, kind=ActivityKind.PAYMENT)) == 1


def test_an_order_edit_is_recorded_with_its_before_and_after(app, team):
    with app.test_request_context():
        order = db.session.get(Order, team.order)
        bread = factories.make_item(order.shop, None, name="Pan 🥖", price_minor=1200)
        db.session.commit()
        edit_order(
            order,
            Edit(quantities={}, added=[(bread.id, 1)]),
            seen_version=0,
            by=db.session.get(User, team.manager),
        )
        db.session.commit()
    row = only(app, team, ActivityKind.EDIT)
    assert row.changed_by_id == team.manager
    assert row.order_id == team.order
    assert row.details["after"]["total_minor"] > row.details["before"]["total_minor"]


def item_form(**fields) -> dict:
    values = {
        "name": "Camiseta azul",
        "description": "",
        "price": "20.00",
        "compare_at": "",
        "code": "",
        "category": "",
        "availability": "available",
        "stock": "5",
        "loaded_stock": "5",
    }
    return values | fields


def test_an_item_edit_splits_into_item_price_and_stock_rows(app, team, as_member):
    manager = as_member("manager")
    page = manager.get(f"/dashboard/items/{team.item}/edit", headers=EN)
    assert page.status_code == 200
    answer = manager.post(
        f"/dashboard/items/{team.item}/edit",
        data=item_form(name="Camiseta roja 🔴", price="25.00", stock="9"),
        headers=EN,
    )
    assert answer.status_code == 302, answer.text[:2000]
    item_row = only(app, team, ActivityKind.ITEM)
    price_row = only(app, team, ActivityKind.PRICE)
    assert item_row.details == {"name": ["Camiseta azul", "Camiseta roja 🔴"]}
    assert price_row.details == {"price_minor": [2000, 2500]}
    assert price_row.subject == "Camiseta roja 🔴"
    assert {item_row.changed_by_id, price_row.changed_by_id} == {team.manager}
    stock_row = only(app, team, ActivityKind.STOCK)
    assert stock_row.details == {"stock": [5, 9]}


def test_saving_an_item_unchanged_records_nothing(app, team, as_member):
    owner = as_member("owner")
    owner.post(f"/dashboard/items/{team.item}/edit", data=item_form(), headers=EN)
    assert [r for r in rows(app, team.shop) if r.order_id is None] == []


def test_deleting_an_item_is_recorded_with_its_name(app, team, as_member):
    as_member("owner").post(f"/dashboard/items/{team.item}/delete", data={})
    row = only(app, team, ActivityKind.ITEM)
    assert (row.subject, row.details, row.changed_by_id) == (
        "Camiseta azul",
        {"deleted": True},
        team.owner,
    )


def test_the_stock_page_records_the_staff_members_count(app, team, as_member):
    staff = as_member("staff")
    answer = staff.post(f"/dashboard/stock/{team.item}", data={"stock": "2", "loaded": "5"})
    assert answer.status_code in (302, 303)
    row = only(app, team, ActivityKind.STOCK)
    assert (row.changed_by_id, row.details, row.subject) == (
        team.staff,
        {"stock": [5, 2]},
        "Camiseta azul",
    )
    with app.app_context():
        assert db.session.get(Item, team.item).stock == 2


def test_a_refused_stock_save_records_nothing(app, team, as_member):
    staff = as_member("staff")
    answer = staff.post(f"/dashboard/stock/{team.item}", data={"stock": "2", "loaded": "4"})
    assert answer.status_code == 409  # an order took one meanwhile: nothing saved
    assert rows(app, team.shop, kind=ActivityKind.STOCK) == []


def test_shop_settings_are_recorded_before_and_after(app, team, as_member):
    manager = as_member("manager")
    answer = manager.post(
        "/dashboard/orders/news", data={"stale_after_minutes": "45", "email_new_orders": "y"}
    )
    assert answer.status_code == 303
    row = only(app, team, ActivityKind.SETTINGS)
    assert row.changed_by_id == team.manager
    assert row.details["stale_after_minutes"][1] == 45
    assert row.details["email_new_orders"] == [False, True]


def test_shipping_and_payment_methods_have_their_own_kinds(app, team, as_member):
    manager = as_member("manager")
    answer = manager.post(
        "/dashboard/shipping/new",
        data={"name": "Moto 🛵", "price": "3.50", "kind": "delivery", "active": "y"},
    )
    assert answer.status_code == 302
    answer = manager.post(
        "/dashboard/payments",
        data={"kind": "bank_transfer", "name": "Transferencia", "details": "=IBAN ES12"},
    )
    assert answer.status_code == 302
    shipping = only(app, team, ActivityKind.SHIPPING)
    payment = only(app, team, ActivityKind.PAYMENT_METHOD)
    assert (shipping.subject, shipping.details["price_minor"]) == ("Moto 🛵", [None, 350])
    assert payment.subject == "Transferencia"
    assert {shipping.changed_by_id, payment.changed_by_id} == {team.manager}


def test_a_discount_is_recorded_by_its_code(app, team, as_member):
    manager = as_member("manager")
    answer = manager.post(
        "/dashboard/discounts/new",
        data={"code": "verano10", "name": "", "kind": "percent", "value": "12.5", "active": "y"},
    )
    assert answer.status_code == 302
    row = only(app, team, ActivityKind.DISCOUNT)
    assert (row.subject, row.changed_by_id) == ("VERANO10", team.manager)


def test_the_team_records_invitations_roles_and_removals(app, team, as_member):
    owner = as_member("owner")
    answer = owner.post("/dashboard/team/invite", data={"role": "staff", "email": ""})
    assert answer.status_code == 201
    with app.app_context():
        from shop.models import Membership

        member = db.session.scalar(db.select(Membership.id).where(Membership.user_id == team.staff))
    owner.post(f"/dashboard/team/members/{member}/role", data={"role": "manager"})
    owner.post(f"/dashboard/team/members/{member}/remove", data={})
    found = rows(app, team.shop, kind=ActivityKind.TEAM)
    assert [r.details for r in found] == [
        {"invited": "staff", "email": ""},
        {"role": ["staff", "manager"]},
        {"removed": "manager"},
    ]
    assert {r.changed_by_id for r in found} == {team.owner}
    assert found[1].subject == "Sara"


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_a_refused_change_records_nothing(app, team, as_member, role):
    """A page the role may not open answers 403 and leaves no row behind."""
    client = as_member(role)
    answer = client.post("/dashboard/team/invite", data={"role": "staff", "email": ""})
    assert answer.status_code == 403
    assert rows(app, team.shop, kind=ActivityKind.TEAM) == []


def test_a_bulk_change_is_one_row_naming_its_items(app, team, as_member):
    with app.app_context():
        from shop.models import Shop

        other = factories.make_item(db.session.get(Shop, team.shop), None, name="Gorra 🧢")
        db.session.commit()
        ids = [team.item, other.id]
    as_member("manager").post(
        "/dashboard/items/bulk", data={"action": "sold_out", "category": "", "item_ids": ids}
    )
    row = only(app, team, ActivityKind.ITEM)
    assert row.details == {"bulk": "sold_out", "count": 2}
    assert row.subject == "Camiseta azul, Gorra 🧢"
    assert row.changed_by_id == team.manager


def _photo_ids(app, item_id: int) -> list[int]:
    with app.app_context():
        return [photo.id for photo in db.session.get(Item, item_id).photos]


def test_photos_added_moved_reordered_and_removed_are_each_recorded(app, team, as_member):
    """The photos shoppers see first are the merchant's business: who added, moved or
    removed one is in the log, under the item's name."""
    import io

    from tests.security.world import jpeg

    manager = as_member("manager")
    form = item_form() | {
        "photos": [(io.BytesIO(jpeg(color=(n * 60, 90, 30))), f"foto {n} 📷.jpg") for n in range(3)]
    }
    answer = manager.post(
        f"/dashboard/items/{team.item}/edit", data=form, content_type="multipart/form-data"
    )
    assert answer.status_code == 302
    added = only(app, team, ActivityKind.ITEM)
    assert (added.details, added.changed_by_id) == ({"photos": [0, 3]}, team.manager)
    first, second, third = _photo_ids(app, team.item)

    base = f"/dashboard/items/{team.item}/photos"
    manager.post(f"{base}/{third}/move", data={"direction": "cover"})
    manager.post(f"{base}/{third}/move", data={"direction": "up"})  # already first: nothing
    manager.post(f"{base}/order", data={"photo_ids": [str(first), str(second), str(third)]})
    manager.post(f"{base}/order", data={"photo_ids": [str(first), str(second), str(third)]})
    removed = as_member("owner").post(f"{base}/{second}/remove", data={})
    assert removed.status_code == 302, removed.text[:300]
    photo_rows = rows(app, team.shop, kind=ActivityKind.ITEM)[1:]
    assert [(row.details, row.changed_by_id) for row in photo_rows] == [
        ({"photo": [3, 1]}, team.manager),
        # Shown [third, first, second]; dragged back: the second shown goes first.
        ({"photo_order": [[1, 2, 3], [2, 3, 1]]}, team.manager),
        ({"photos": [3, 2]}, team.owner),
    ]
    assert {row.subject for row in photo_rows} == {"Camiseta azul"}


def test_a_new_item_without_photos_says_nothing_of_photos(app, team, as_member):
    as_member("owner").post(
        "/dashboard/items/new", data=item_form(name="Pan 🥖") | {"form_key": "k1"}
    )
    row = only(app, team, ActivityKind.ITEM)
    assert row.subject == "Pan 🥖"
    assert "photos" not in row.details


def test_moving_items_and_categories_is_recorded(app, team, as_member):
    with app.app_context():
        from shop.models import Shop

        shop = db.session.get(Shop, team.shop)
        cups = factories.make_category(shop, "Tazas ☕")
        factories.make_category(shop, "Platos")
        mugs = [factories.make_item(shop, cups, name=f"Taza {n}") for n in range(2)]
        db.session.commit()
        cups_id, mug_id = cups.id, mugs[1].id
    manager = as_member("manager")
    manager.post(f"/dashboard/items/{mug_id}/move", data={"direction": "up"})
    manager.post(f"/dashboard/items/{mug_id}/move", data={"direction": "up"})  # at the top
    manager.post(f"/dashboard/categories/{cups_id}/move", data={"direction": "down"})
    moves = rows(app, team.shop, kind=ActivityKind.ITEM)
    assert [(row.subject, row.details, row.changed_by_id) for row in moves] == [
        ("Taza 1", {"moved": "up"}, team.manager),
        ("Tazas ☕", {"moved": "down"}, team.manager),
    ]
