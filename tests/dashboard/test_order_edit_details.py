"""Through the dashboard: the merchant changes a line's size and the shopper's details on
the order's edit page; the history says what changed, a stale or foreign form changes
nothing."""

from __future__ import annotations

from html import unescape

import pytest

from shop.extensions import db
from shop.models import Item, Order, Shop
from tests import factories
from tests.storefront.shopper import build_shop, post_cart


@pytest.fixture
def ids(app):
    return build_shop(app)


@pytest.fixture
def sizes(app, ids):
    """The shirt in sizes M and L (+2.50): returns (M id, L id)."""
    with app.app_context():
        shirt = db.session.get(Item, ids.shirt)
        group = factories.make_group(shirt, "Talla 🌻", ["M", ("L", 250)], kind="size")
        db.session.commit()
        return group.choices[0].id, group.choices[1].id


@pytest.fixture
def signed_in(app, client, ids, sign_in_as):
    with app.app_context():
        owner_id = db.session.get(Shop, ids.shop).owner_id
    sign_in_as(client, owner_id)
    return owner_id


def _order(app, client, ids, m_id) -> tuple[int, int]:
    """A shopper's order of one shirt in M; returns (order id, the shirt line's id)."""
    lines = [{"item_id": ids.shirt, "quantity": 1, "choices": [m_id]}]
    response = post_cart(client, ids, lines=lines, phone="+34612345678")
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    with app.app_context():
        order = db.session.scalars(db.select(Order).order_by(Order.id.desc())).first()
        return order.id, order.lines[0].id


def _save(line_id, m_id, **fields) -> dict:
    """The edit form as the page sends it, untouched unless `fields` say otherwise."""
    return {
        "version": "0",
        "action": "save",
        f"qty-{line_id}": "1",
        f"was-choices-{line_id}": str(m_id),
        f"choice-{line_id}": str(m_id),
        "customer_name": "Ana",
        "customer_phone": "+34612345678",
        "customer_address": "Calle Mayor 1, Madrid",
    } | fields


def test_the_page_shows_the_lines_size_and_the_details_and_saving_changes_them(
    app, client, ids, sizes, signed_in
):
    m_id, l_id = sizes
    order_id, line_id = _order(app, client, ids, m_id)
    page = client.get(f"/dashboard/orders/{order_id}/edit").get_data(as_text=True)
    assert f'name="was-choices-{line_id}" value="{m_id}"' in page
    assert f'<option value="{m_id}" selected>M</option>' in page
    assert 'name="customer_name"' in page
    assert 'value="Ana"' in page

    data = _save(line_id, m_id, **{f"choice-{line_id}": str(l_id), "customer_name": "Ana Ñandú 🌻"})
    response = client.post(f"/dashboard/orders/{order_id}/edit", data=data)
    assert response.status_code == 303
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert order.lines[0].label == "Camiseta azul (Talla 🌻: L)"
        assert order.lines[0].unit_price_minor == 2250
        assert order.customer_name == "Ana Ñandú 🌻"
        assert order.customer_address == "Calle Mayor 1, Madrid"
    detail = unescape(client.get(f"/dashboard/orders/{order_id}").get_data(as_text=True))
    times = "\u00d7"  # the multiplication sign the history writes
    assert (
        f"Changed: 1 {times} Camiseta azul (Talla 🌻: M) → 1 {times} Camiseta azul (Talla 🌻: L)"
        in detail
    )
    assert "Name: Ana → Ana Ñandú 🌻" in detail


def test_an_untouched_form_changes_nothing(app, client, ids, sizes, signed_in):
    m_id, _l_id = sizes
    order_id, line_id = _order(app, client, ids, m_id)
    response = client.post(
        f"/dashboard/orders/{order_id}/edit", data=_save(line_id, m_id), follow_redirects=True
    )
    assert "Nothing was changed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Order, order_id).version == 0


def test_a_refused_detail_keeps_what_was_typed_and_names_the_field(
    app, client, ids, sizes, signed_in
):
    m_id, l_id = sizes
    order_id, line_id = _order(app, client, ids, m_id)
    data = _save(
        line_id,
        m_id,
        **{f"choice-{line_id}": str(l_id), "customer_address": "", "customer_name": "Zoë"},
    )
    response = client.post(f"/dashboard/orders/{order_id}/edit", data=data)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Write the address to deliver to." in html
    assert (
        'id="customer_address" name="customer_address" rows="2" maxlength="500" aria-invalid="true"'
        in html
    )
    assert 'value="Zoë"' in html
    assert f'<option value="{l_id}" selected>' in html  # the size picked stays picked
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert (order.version, order.customer_name) == (0, "Ana")


def test_a_second_tab_is_told_and_overwrites_nothing(app, client, ids, sizes, signed_in):
    m_id, l_id = sizes
    order_id, line_id = _order(app, client, ids, m_id)
    first = client.post(
        f"/dashboard/orders/{order_id}/edit", data=_save(line_id, m_id, customer_name="Ana Sol")
    )
    assert first.status_code == 303
    second = client.post(
        f"/dashboard/orders/{order_id}/edit",
        data=_save(line_id, m_id, **{"customer_name": "Ana Luna", f"choice-{line_id}": str(l_id)}),
        follow_redirects=True,
    )
    assert "changed meanwhile" in second.get_data(as_text=True)
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert (order.customer_name, order.lines[0].options[0]["choice_id"]) == ("Ana Sol", m_id)


@pytest.mark.parametrize(
    "fields",
    [
        {"customer_name": "x" * 100_000},
        {"customer_phone": "9" * 5000},
        {"customer_name": "\x00\u202e"},
        {"choice-LINE": "abc"},
        {"choice-LINE": "-1"},
    ],
)
def test_malformed_and_huge_input_is_refused_not_a_500(app, client, ids, sizes, signed_in, fields):
    m_id, _l_id = sizes
    order_id, line_id = _order(app, client, ids, m_id)
    fields = {key.replace("LINE", str(line_id)): value for key, value in fields.items()}
    response = client.post(
        f"/dashboard/orders/{order_id}/edit", data=_save(line_id, m_id, **fields)
    )
    assert response.status_code in (303, 413, 422)
    with app.app_context():
        assert db.session.get(Order, order_id).version == 0


def test_another_shops_choice_or_order_changes_nothing(app, client, ids, sizes, signed_in):
    m_id, _l_id = sizes
    order_id, line_id = _order(app, client, ids, m_id)
    with app.app_context():
        other = db.session.get(Shop, ids.other_shop)
        foreign_item = db.session.get(Item, ids.other_item)
        foreign = factories.make_group(foreign_item, "Talla", ["XXL"], kind="size").choices[0].id
        theirs = factories.make_order(other, customer_name="Eva")
        db.session.commit()
        theirs_id = theirs.id
    response = client.post(
        f"/dashboard/orders/{order_id}/edit",
        data=_save(line_id, m_id, **{f"choice-{line_id}": str(foreign)}),
    )
    assert response.status_code == 422
    assert "XXL" not in response.get_data(as_text=True)
    response = client.post(
        f"/dashboard/orders/{theirs_id}/edit", data=_save(line_id, m_id, customer_name="Mía")
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Order, theirs_id).customer_name == "Eva"
        assert db.session.get(Order, order_id).version == 0
