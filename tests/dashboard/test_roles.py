"""The table of role x capability, and every dashboard page naming what it needs."""

from __future__ import annotations

from shop.dashboard.capabilities import NEEDS, capability_of
from shop.models import Role
from shop.shops.roles import CAPABILITIES, Capability, allows
from tests import factories


def test_every_dashboard_page_names_the_capability_it_needs(app):
    pages = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("dashboard.")}
    unnamed = {page for page in pages if page.removeprefix("dashboard.") not in NEEDS}
    assert unnamed == set()
    assert set(NEEDS) <= {page.removeprefix("dashboard.") for page in pages}


def test_a_page_missing_from_the_table_is_the_owners_only():
    assert capability_of("dashboard.some_new_page") is Capability.TEAM
    assert not allows(Role.MANAGER, Capability.TEAM)


def test_the_roles_are_the_issues_table():
    assert CAPABILITIES[Role.OWNER] == set(Capability)
    assert set(Capability) - CAPABILITIES[Role.MANAGER] == {
        Capability.TEAM,
        Capability.DELETE_SHOP,
        Capability.EXPORT,
        Capability.ACTIVITY,  # "readable by the owner" (issue 26, part 4)
    }
    assert CAPABILITIES[Role.STAFF] == {Capability.VIEW, Capability.ORDERS, Capability.STOCK}
    assert not allows(None, Capability.VIEW)


def test_a_new_shop_has_its_owner_as_its_only_member(app):
    from shop.extensions import db

    with app.app_context():
        owner = factories.make_user()
        shop = factories.make_shop(owner)
        db.session.commit()
        assert [(m.user_id, m.role) for m in shop.memberships] == [(owner.id, Role.OWNER)]


def test_a_staff_member_sees_only_the_pages_they_may_open(app, client, sign_in_as):
    from shop.extensions import db
    from shop.models import Membership

    with app.app_context():
        shop = factories.make_shop(factories.make_user())
        cook = factories.make_user("Cocinero")
        db.session.add(Membership(shop=shop, user=cook, role=Role.STAFF))
        db.session.commit()
        cook_id = cook.id
    sign_in_as(client, cook_id)
    page = client.get("/dashboard/orders").get_data(as_text=True)
    assert 'href="/dashboard/orders"' in page
    assert 'href="/dashboard/settings"' not in page
    assert 'href="/dashboard/items"' not in page
    assert client.get("/dashboard/settings").status_code == 403
    home = client.get("/dashboard").get_data(as_text=True)
    assert "/dashboard/items/new" not in home
    assert "/dashboard/settings" not in home  # the set-up checklist is the owner's
