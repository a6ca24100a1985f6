"""The role walk (issue 26): every dashboard URL and form, for each role of a shop's team.

A page the role does not allow answers 403 and changes nothing; a page it allows opens
(never a 403). The walk reads app.url_map, so a page added later is walked too, and
shop.dashboard.capabilities must name what it needs (tests/dashboard/test_roles.py).
"""

from __future__ import annotations

import pytest

from shop.dashboard.capabilities import capability_of
from shop.models import Role
from shop.shops.roles import allows
from tests.security.test_methods import ACTION_ARGS
from tests.security.world import add_member, build_world, rules, url_for_rule

# What a POST carries: enough for every form to act if the check let it through.
FORM = ACTION_ARGS | {
    "name": "Por el rol",
    "price": "1",
    "quantity": "1",
    "confirm": "yes",
    "slug": "por-el-rol",
}


def dashboard_rules(app, method: str):
    return [rule for rule in rules(app, method) if rule.endpoint.startswith("dashboard.")]


@pytest.fixture(params=[Role.MANAGER, Role.STAFF, Role.OWNER], ids=str)
def member(request, app, client, sign_in_as):
    """A signed-in member of the world's shop with the role of the parameter."""
    world = build_world(app)
    role = request.param
    user = world.user if role is Role.OWNER else add_member(app, world, role.value)
    sign_in_as(client, user)
    return world, role


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_forbidden_pages_answer_403_and_change_nothing(app, client, member, snapshot, method):
    world, role = member
    app.config["PROPAGATE_EXCEPTIONS"] = False
    before = snapshot()
    walked, wrong = [], {}
    for rule in dashboard_rules(app, method):
        if allows(role, capability_of(rule.endpoint)) or capability_of(rule.endpoint) is None:
            continue
        url = url_for_rule(app, rule, world)
        answer = client.open(url, method=method, data=FORM)
        walked.append(rule.endpoint)
        if answer.status_code != 403:
            wrong[url] = answer.status_code
    assert wrong == {}
    assert snapshot() == before
    if role is Role.OWNER:
        assert walked == []
    else:  # the walk really walked: each role is refused something on either method
        assert walked


def test_allowed_pages_open_for_each_role(app, client, member):
    world, role = member
    app.config["PROPAGATE_EXCEPTIONS"] = False
    opened, refused = [], {}
    for rule in dashboard_rules(app, "GET"):
        needed = capability_of(rule.endpoint)
        if needed is not None and not allows(role, needed):
            continue
        answer = client.get(url_for_rule(app, rule, world))
        opened.append(rule.endpoint)
        if answer.status_code in (403, 404) or answer.status_code >= 500:
            refused[rule.endpoint] = answer.status_code
    assert refused == {}
    assert {"dashboard.orders", "dashboard.home"} <= set(opened)


def test_staff_change_an_order_status_but_never_a_price(app, client, sign_in_as):
    from shop.extensions import db
    from shop.models import Item, Order

    world = build_world(app)
    sign_in_as(client, add_member(app, world, "staff"))
    moved = client.post(f"/dashboard/orders/{world.order}/status", data={"status": "confirmed"})
    assert moved.status_code in (302, 303)
    priced = client.post(
        f"/dashboard/items/{world.item}/edit", data={"name": "Gratis", "price": "0"}
    )
    assert priced.status_code == 403
    with app.app_context():
        assert db.session.get(Order, world.order).status.value == "confirmed"
        item = db.session.get(Item, world.item)
        assert (item.name, item.price_minor) == ("Camiseta azul", 2000)
