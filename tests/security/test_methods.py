"""No state change on GET, a CSRF token on every POST (ASVS V3.5 browser origin separation).

Both tests walk app.url_map, so a route added later is checked without anyone
remembering to list it.
"""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.models import Order, User
from tests.security.world import rules, url_for_rule

# The one POST without a token (see shop/storefront/checkout.py): shoppers have no
# session to tie a token to; cross-site posts are refused by Origin/Sec-Fetch-Site.
# Posts with no session to ride, checked by Origin / Sec-Fetch-Site instead (checkout,
# the analytics beacon: tests/analytics/test_collection.py).
# The discount preview (issue 24) is the checkout's kind: no cookie, Origin checked
# (tests/storefront/test_coupon_checkout.py), and it changes nothing.
CSRF_EXEMPT = {"storefront.checkout", "storefront.beacon", "storefront.discount_preview"}
JSON_POSTS = {"dashboard.message_preview", "dashboard.push_subscribe", "dashboard.push_unsubscribe"}
# What a POST to the same URL would carry: on a GET it must do nothing.
ACTION_ARGS = {
    "direction": "up",
    "status": "delivered",
    "action": "delete",
    "confirmed": "yes",
    "item_ids": "1",
    "active": "0",
    "lang": "es",
    "shop_id": "2",
}


def test_no_get_changes_any_row_for_a_signed_in_merchant(app, client, world, snapshot):
    before = snapshot()
    for rule in rules(app, "GET"):
        url = url_for_rule(app, rule, world)
        client.get(url)
        client.get(url, query_string=ACTION_ARGS)
        assert snapshot() == before, f"GET {url} changed the database"


def test_no_get_changes_any_row_for_a_shopper(app, world, snapshot):
    shopper = app.test_client()
    before = snapshot()
    for rule in rules(app, "GET"):
        url = url_for_rule(app, rule, world)
        shopper.get(url, query_string=ACTION_ARGS)
        assert snapshot() == before, f"GET {url} changed the database"


def test_no_get_changes_any_row_for_an_operator(app, client, world, snapshot):
    """Operators reach /operator/* as well: those GETs must not suspend or lift."""
    make_operator(app, world)
    before = snapshot()
    walked = set()
    for rule in rules(app, "GET"):
        url = url_for_rule(app, rule, world)
        client.get(url, query_string=ACTION_ARGS | {"reason": "x"})
        walked.add(rule.endpoint)
        assert snapshot() == before, f"GET {url} changed the database"
    assert {"operator.shops", "operator.shop"} <= walked


# Issues 5, 6 and 7 added these; the walks read app.url_map, so they are in them.
NEW_POSTS = {
    "dashboard.new_option_group",
    "dashboard.save_option_group",
    "dashboard.delete_option_group",
    "dashboard.move_option_group",
    "dashboard.save_variant_stock",
    "dashboard.ordering_rules",
    "dashboard.message_preview",
    "dashboard.payment_methods",
    "dashboard.edit_payment_method",
    "dashboard.delete_payment_method",
    "dashboard.export_shop",
    "dashboard.delete_current_shop",
    "operator.suspend",
    "operator.lift",
    # Issue 17: Web Push subscriptions (JSON; tests/security/test_fuzz_push.py).
    "dashboard.push_subscribe",
    "dashboard.push_unsubscribe",
    "dashboard.new_discount",
    "dashboard.edit_discount",
    "dashboard.toggle_discount",
    "storefront.discount_preview",
    "dashboard.edit_order_page",
    "dashboard.new_order",
    # Issue 20: customers.
    "dashboard.save_customer",
    "dashboard.merge_customer",
    "dashboard.delete_customer",
    "dashboard.customer_privacy",
    # Delivery zones and times (issue 25).
    "dashboard.shipping_zones",
    "dashboard.edit_shipping_zone",
    "dashboard.delete_shipping_zone",
    "dashboard.shop_location",
    "dashboard.shipping_times",
}


def test_the_walks_pick_up_the_new_routes(app):
    assert {rule.endpoint for rule in rules(app, "POST")} >= NEW_POSTS


def make_operator(app, world) -> None:
    with app.app_context():
        db.session.get(User, world.user).is_operator = True
        db.session.commit()


def test_every_route_that_changes_data_refuses_get(app):
    """A POST route that also answers GET only shows a form or a confirmation page."""
    for rule in rules(app, "POST"):
        if "GET" in rule.methods:
            assert rule.endpoint in {
                "dashboard.ads",  # GET shows the form only
                "dashboard.customer_privacy",  # GET shows the form only (issue 20)
                "dashboard.domain",  # GET shows the form or the domain only
                "dashboard.categories",
                "dashboard.delete_category",
                "dashboard.edit_category",
                "dashboard.delete_item",
                "dashboard.edit_item",
                "dashboard.new_item",
                "dashboard.items_from_photos",
                "dashboard.settings",
                "dashboard.setup",
                "dashboard.edit_shipping_method",
                # Zones and times (issue 25): GET shows the list and its form, or a form.
                "dashboard.shipping_zones",
                "dashboard.edit_shipping_zone",
                "dashboard.shop_location",
                "dashboard.shipping_times",
                "dashboard.new_shipping_method",
                "dashboard.ordering_rules",
                "dashboard.payment_methods",
                "dashboard.edit_payment_method",
                "dashboard.join",  # GET shows the invitation; POST joins (issue 26)
                "dashboard.new_discount",
                "dashboard.edit_discount",
                # GET shows the form; "Add" and "Save" are POSTs (issue 20).
                "dashboard.edit_order_page",
                "dashboard.new_order",
            }, f"{rule.rule} answers GET and POST: add it here once its GET is checked"


@pytest.mark.parametrize(
    "signed_in", ["merchant", "anonymous", "operator"], ids=["merchant", "anonymous", "operator"]
)
def test_every_post_without_a_csrf_token_is_refused(app, client, world, snapshot, signed_in):
    who = client if signed_in != "anonymous" else app.test_client()
    if signed_in == "operator":
        make_operator(app, world)
    before = snapshot()
    checked = 0
    for rule in rules(app, "POST"):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        url = url_for_rule(app, rule, world)
        if rule.endpoint.startswith("operator.") and signed_in != "operator":
            # Not there for anyone but operators (tests/operator checks their CSRF).
            assert who.post(url, data={"reason": "x"}, csrf=False).status_code == 404, url
            continue
        response = who.post(url, data={"name": "x", "direction": "up", "reason": "x"}, csrf=False)
        assert response.status_code == 400, url
        assert "This form has expired" in response.text, url
        if rule.endpoint in JSON_POSTS:  # the live preview and Web Push post JSON
            preview = who.post(url, json={"greeting": "x", "endpoint": "https://x"})
            assert preview.status_code == 400, url
        # A token from another session is no better than none.
        forged = who.post(url, data={"csrf_token": _token_of_another_session(app)}, csrf=False)
        assert forged.status_code == 400, url
        checked += 1
    assert snapshot() == before
    assert checked >= 20


def _token_of_another_session(app) -> str:
    return app.test_client().csrf_token()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
        {"Origin": "http://localhost.evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://evil.example"},
    ],
    ids=["origin", "fetch-site", "null-origin", "lookalike-origin", "mixed"],
)
def test_checkout_refuses_posts_from_another_site(app, world, snapshot, headers):
    shopper = app.test_client()
    before = snapshot()
    body = {
        "lines": [{"item_id": world.item, "quantity": 1}],
        "name": "Ana",
        "shipping_method_id": world.method,
        "address": "Calle Mayor 1",
        "idempotency_key": "k" * 32,
    }
    assert shopper.post(f"/s/{world.slug}/checkout", json=body, headers=headers).status_code == 403
    form = {
        "item_id": str(world.item),
        "quantity": "1",
        "name": "Ana",
        "shipping_method_id": str(world.method),
        "address": "Calle Mayor 1",
        "idempotency_key": "f" * 32,
    }
    response = shopper.post(f"/s/{world.slug}/checkout", data=form, headers=headers)
    assert response.status_code == 403
    assert "Location" not in response.headers
    assert snapshot() == before


def test_checkout_takes_same_origin_posts(app, world):
    shopper = app.test_client()
    body = {
        "lines": [{"item_id": world.item, "quantity": 1}],
        "name": "Ana",
        "shipping_method_id": world.method,
        "address": "Calle Mayor 1",
        "idempotency_key": "s" * 32,
    }
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    response = shopper.post(f"/s/{world.slug}/checkout", json=body, headers=headers)
    assert response.status_code == 200
    with app.app_context():
        from shop.extensions import db

        assert db.session.query(Order).filter_by(shop_id=world.shop).count() == 2
