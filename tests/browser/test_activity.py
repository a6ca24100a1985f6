"""The owner finds who changed a price: from the phone's menu to the activity page, then
filtered by kind, with nothing scrolling sideways at 360 px."""

from __future__ import annotations

from shop.activity import record
from shop.extensions import db
from shop.models import ActivityKind, Membership, Role
from tests import factories


def test_the_owner_finds_who_changed_a_price_on_a_phone(app, live_server, browser, browser_sign_in):
    with app.app_context():
        owner = factories.make_user("Olga")
        shop = factories.make_shop(owner, language="en", name="Tienda Sol")
        manager = factories.make_user("Mario 🧑‍🍳")
        db.session.add(Membership(shop_id=shop.id, user_id=manager.id, role=Role.MANAGER))
        record(shop, ActivityKind.PRICE, "Camiseta azul", by=manager,
               details={"price_minor": [2000, 2500]})  # fmt: skip
        record(shop, ActivityKind.TEAM, "Sara", by=owner, details={"invited": "staff"})
        db.session.commit()
        owner_id = owner.id
    context = browser.new_context(
        locale="en-US",
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    try:
        browser_sign_in(context, owner_id)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(error))
        page.goto(f"{live_server}/dashboard")
        page.locator("details.menu summary").click()
        page.locator(".menu-panel").get_by_role("link", name="Activity").click()
        page.wait_for_url("**/dashboard/activity")
        assert page.locator("[data-activity]").count() == 2
        page.select_option("#activity-kind", "price")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**kind=price**")
        rows = page.locator("[data-activity]")
        assert rows.count() == 1
        assert "Mario 🧑‍🍳" in rows.first.inner_text()
        assert "€25.00" in rows.first.inner_text()
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide
        assert errors == []
    finally:
        context.close()
