"""The merchant's update texts in Chromium: typing one previews the whole message at once
(from the server's own code), a wrong placeholder says so, and saving keeps it; the
dashboard's push service worker shows a pushed new order and opens it."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from shop.extensions import db
from shop.lib.vapid import new_private_key, public_key_of
from shop.models import Shop
from tests import factories


def _merchant(app) -> tuple[int, int]:
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user, name="Tienda Sol", language="es")
        db.session.commit()
        return user.id, shop.id


def test_typing_an_update_text_previews_it_live_and_saving_keeps_it(
    app, live_server, context, browser_sign_in
):
    user_id, shop_id = _merchant(app)
    browser_sign_in(context, user_id)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/rules")
    preview = page.locator("[data-update-preview='on_the_way']")
    expect(preview).to_contain_text("Tu pedido #1042 está en camino.")
    page.locator("#update_on_the_way").fill("🛵 {name}, tu pedido {number} ya sale: {total}")
    expect(preview).to_contain_text("🛵 Ana, tu pedido 1042 ya sale: 51,50 €")
    expect(page.locator("[data-update-preview='picked_up']")).to_contain_text(
        "Has recogido tu pedido #1042"
    )
    page.locator("#update_on_the_way").fill("Hola {cliente}")
    error = page.locator("[data-preview-error]")
    expect(error).to_contain_text("{cliente}")
    page.locator("#update_on_the_way").fill("🛵 {name} va")
    expect(error).to_be_hidden()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#update_on_the_way")).to_have_value("🛵 {name} va")
    with app.app_context():
        assert db.session.get(Shop, shop_id).update_texts == {"on_the_way": "🛵 {name} va"}


def test_the_service_worker_shows_a_pushed_order_and_opens_it(
    app, live_server, context, browser_sign_in
):
    private = new_private_key()
    app.config.update(
        VAPID_PRIVATE_KEY=private,
        VAPID_PUBLIC_KEY=public_key_of(private),
        VAPID_SUBJECT="mailto:ops@vitrina.example",
    )
    user_id, _shop_id = _merchant(app)
    browser_sign_in(context, user_id)
    context.grant_permissions(["notifications"], origin=live_server)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/orders")
    button = page.locator("[data-push-toggle]")
    expect(button).to_have_attribute("data-on", "")  # the script asked: not subscribed
    expect(button).to_have_text("Notify this device even with the tab closed")
    scope = page.evaluate(
        "() => navigator.serviceWorker.ready.then((registration) => registration.scope)"
    )
    assert scope == f"{live_server}/dashboard/"
    # A push as the push service would hand it over, through DevTools (no push service).
    cdp = context.new_cdp_session(page)
    cdp.send("ServiceWorker.enable")
    registration_id = _registration_id(cdp)
    message = {
        "title": "Pedido nuevo #7 · Tienda Sol",
        "body": "Zoë <b> · 5 €",
        "url": "/dashboard/orders/7",
        "tag": "order-7",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server, "registrationId": registration_id, "data": json.dumps(message)},
    )
    shown = page.wait_for_function(
        """() => navigator.serviceWorker.ready
             .then((r) => r.getNotifications())
             .then((list) => list.length ? list.map((n) => [n.title, n.body, n.tag]) : null)"""
    ).json_value()
    assert shown == [["Pedido nuevo #7 · Tienda Sol", "Zoë <b> · 5 €", "order-7"]]


def _registration_id(cdp) -> str:
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if found:
            return found[0]
        cdp.send("Runtime.evaluate", {"expression": "1"})
    raise AssertionError("no service worker registration reported")
