"""The merchant changes an order through the dashboard; the shopper's page follows."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from shop.extensions import db
from shop.models import Activity, ActivityKind, Item, Order, Shop
from tests.storefront.shopper import build_shop, post_cart


@pytest.fixture
def ids(app):
    return build_shop(app)


@pytest.fixture
def signed_in(app, client, ids, sign_in_as):
    with app.app_context():
        owner_id = db.session.get(Shop, ids.shop).owner_id
    sign_in_as(client, owner_id)
    return owner_id


def _shopper_order(app, client, ids, **fields) -> Order:
    response = post_cart(client, ids, phone="+34612345678", **fields)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    with app.app_context():
        order = db.session.scalars(db.select(Order).order_by(Order.id.desc())).first()
        db.session.expunge_all()
        return order


def _lines(app, order_id):
    with app.app_context():
        order = db.session.get(Order, order_id)
        return [(line.name, line.quantity, line.unit_price_minor) for line in order.lines], order


def _form(order_lines, version=0, **extra):
    return {"version": str(version), "action": "save", **extra} | {
        f"qty-{line_id}": str(quantity) for line_id, quantity in order_lines.items()
    }


def _line_ids(app, order_id) -> dict[str, int]:
    with app.app_context():
        return {line.name: line.id for line in db.session.get(Order, order_id).lines}


def test_a_quantity_change_shows_in_history_on_the_shopper_page_and_in_the_tell_text(
    app, client, ids, signed_in
):
    with app.app_context():
        db.session.get(Item, ids.cap).stock = 10
        db.session.commit()
    order = _shopper_order(app, client, ids)
    with app.app_context():
        db.session.get(Item, ids.cap).price_minor = 900
        db.session.commit()
    line = _line_ids(app, order.id)

    page = client.get(f"/dashboard/orders/{order.id}/edit")
    assert page.status_code == 200
    response = client.post(f"/dashboard/orders/{order.id}/edit", data=_form({line["Gorra"]: 3}))
    assert response.status_code == 303
    assert response.location.endswith(f"/dashboard/orders/{order.id}#tell")

    lines, fresh = _lines(app, order.id)
    assert lines == [("Camiseta azul", 2, 2000), ("Gorra", 3, 900)]
    assert fresh.total_minor == 4000 + 2700 + 300
    with app.app_context():
        assert db.session.get(Item, ids.cap).stock == 7
        edit = db.session.scalars(
            db.select(Activity).where(
                Activity.order_id == order.id,
                Activity.kind == ActivityKind.EDIT,
            )
        ).one()
        assert edit.changed_by_id == signed_in

    detail = unescape(client.get(f"/dashboard/orders/{order.id}").get_data(as_text=True))
    assert "Gorra: 1 → 3" in detail
    assert "Total: €51.50 → €70.00" in detail
    link = re.search(r'href="(https://wa\.me/[^"]+)"', detail).group(1)
    text = parse_qs(urlsplit(link).query)["text"][0]
    assert "New total: €70.00" in text
    assert "3 x Gorra" in text

    shopper = unescape(client.get(f"/o/{order.token}").get_data(as_text=True))
    assert "data-order-changed" in shopper
    assert "Changed by the shop" in shopper
    assert "€70.00" in shopper


@pytest.mark.parametrize("status", ["delivered", "cancelled"])
def test_editing_a_delivered_or_cancelled_order_is_refused(app, client, ids, signed_in, status):
    order = _shopper_order(app, client, ids)
    client.post(f"/dashboard/orders/{order.id}/status", data={"status": "confirmed"})
    client.post(f"/dashboard/orders/{order.id}/status", data={"status": status})
    line = _line_ids(app, order.id)

    page = client.get(f"/dashboard/orders/{order.id}/edit", follow_redirects=True)
    assert "cannot be changed" in page.get_data(as_text=True)
    assert "data-edit-order" not in page.get_data(as_text=True)
    response = client.post(
        f"/dashboard/orders/{order.id}/edit",
        data=_form({line["Gorra"]: 3}),
        follow_redirects=True,
    )
    assert "cannot be changed" in response.get_data(as_text=True)
    assert _lines(app, order.id)[0][1] == ("Gorra", 1, 850)


def test_a_double_submit_changes_once_and_the_second_is_told(app, client, ids, signed_in):
    order = _shopper_order(app, client, ids)
    line = _line_ids(app, order.id)
    data = _form({line["Gorra"]: 2})
    first = client.post(f"/dashboard/orders/{order.id}/edit", data=data)
    second = client.post(f"/dashboard/orders/{order.id}/edit", data=data, follow_redirects=True)
    assert first.status_code == 303
    assert "changed meanwhile" in second.get_data(as_text=True)
    with app.app_context():
        edits = db.session.scalar(
            db.select(db.func.count())
            .select_from(Activity)
            .where(Activity.order_id == order.id, Activity.kind == "edit")
        )
        assert edits == 1
        assert db.session.get(Order, order.id).version == 1


def test_add_shows_the_products_options_and_save_adds_it(app, client, ids, signed_in):
    from tests import factories

    with app.app_context():
        shirt = db.session.get(Item, ids.shirt)
        size = factories.make_group(shirt, "Talla 🌻", ["M", ("XL", 250)])
        xl = size.choices[1].id
        db.session.commit()
    order = _shopper_order(app, client, ids, lines=[{"item_id": ids.cap, "quantity": 1}])
    page = client.post(
        f"/dashboard/orders/{order.id}/edit",
        data={"version": "0", "action": "add", "pick": str(ids.shirt), "new-count": "0"},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="new-choice-0"' in html
    assert "Talla 🌻" in html
    response = client.post(
        f"/dashboard/orders/{order.id}/edit",
        data={
            "version": "0",
            "action": "save",
            "new-count": "1",
            "new-item-0": str(ids.shirt),
            "new-qty-0": "2",
            "new-choice-0": str(xl),
            "shipping": str(ids.pickup),
        },
    )
    assert response.status_code == 303
    lines, fresh = _lines(app, order.id)
    assert lines[-1] == ("Camiseta azul", 2, 2250)
    assert (fresh.shipping_name, fresh.total_minor) == ("Recogida en tienda", 850 + 4500)


def test_a_refused_edit_keeps_what_was_typed_and_changes_nothing(app, client, ids, signed_in):
    order = _shopper_order(app, client, ids)
    line = _line_ids(app, order.id)
    response = client.post(
        f"/dashboard/orders/{order.id}/edit",
        data=_form(
            {line["Gorra"]: 4},
            **{"new-count": "1", "new-item-0": str(ids.other_item), "new-qty-0": "1"},
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "data-edit-error" in html
    assert 'value="4"' in html
    assert "Ajena" not in html  # another shop's product is never shown
    assert _lines(app, order.id)[0][1] == ("Gorra", 1, 850)


def test_another_shops_order_is_a_404_and_nothing_changes(app, client, ids, signed_in):
    from tests import factories

    with app.app_context():
        other = db.session.get(Shop, ids.other_shop)
        theirs = factories.make_order(factories.make_shop(factories.make_user("Eva")))
        db.session.commit()
        theirs_id, line_id = theirs.id, theirs.lines[0].id
    assert other is not None
    assert client.get(f"/dashboard/orders/{theirs_id}/edit").status_code == 404
    response = client.post(f"/dashboard/orders/{theirs_id}/edit", data=_form({line_id: 9}))
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Order, theirs_id).lines[0].quantity == 2
        assert db.session.get(Order, theirs_id).version == 0
