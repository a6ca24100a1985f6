"""The shopper's order page follows the order without a reload (issue 17), in Chromium.

The page's clock is Playwright's: 31 seconds pass at once, no test waits for them.
"""

from __future__ import annotations

from playwright.sync_api import expect

from shop.extensions import db
from shop.models import Order
from shop.ordering.statuses import change_status
from tests import factories


def _move(app, order_id: int, status: str) -> None:
    with app.test_request_context():
        change_status(db.session.get(Order, order_id), status)
        db.session.commit()


def test_the_open_order_page_shows_each_move_and_stops_when_delivered(
    app, live_server, phone_context
):
    with app.app_context():
        shop = factories.make_shop(
            factories.make_user(), language="en", time_zone="America/Mexico_City"
        )
        order = factories.make_order(shop, shipping=None)
        db.session.commit()
        order_id, token = order.id, order.token

    page = phone_context.new_page()
    page.clock.install()
    page.goto(f"{live_server}/o/{token}")
    timeline = page.locator("[data-follow]")
    expect(timeline.locator("li")).to_have_count(1)

    def check_in_30_seconds():
        with page.expect_response(lambda r: r.request.resource_type == "fetch") as answer:
            page.clock.run_for(31_000)
        return answer.value

    unchanged = check_in_30_seconds()  # nothing moved: a 304, the page stays as it is
    assert unchanged.status == 304
    assert unchanged.request.headers["if-none-match"].startswith('W/"o')
    expect(timeline.locator("li")).to_have_count(1)

    _move(app, order_id, "confirmed")
    assert check_in_30_seconds().status == 200
    expect(page.locator("[data-follow] li")).to_have_count(2)
    expect(page.locator("[data-follow] li").last).to_contain_text("Confirmed")
    expect(page.locator("[data-order-status]")).to_have_text("Confirmed")

    _move(app, order_id, "delivered")
    assert check_in_30_seconds().status == 200
    expect(page.locator("[data-follow] li").last).to_contain_text("Picked up")
    expect(page.locator("[data-follow][data-final]")).to_have_count(1)
    # Delivered: the page asks no more (fetch counted as it is called, not as it answers).
    page.evaluate(
        "() => { window.asked = 0; const f = window.fetch;"
        " window.fetch = (...a) => { window.asked += 1; return f(...a); }; }"
    )
    page.clock.run_for(120_000)
    assert page.evaluate("window.asked") == 0
