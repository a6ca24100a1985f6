"""Web Push for new orders: the merchant's device subscribes or unsubscribes (JSON, with
the CSRF token in a header), and the service worker that shows the notification.

A subscription belongs to the signed-in merchant and the shop they are working in; the
rules (which endpoints, which keys) are in shop.push.subscriptions.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.extensions import db
from shop.push import SubscriptionError, remove_subscription, save_subscription
from shop.push import push_configured as push_ready


@bp.post("/push/subscribe")
@shop_required
def push_subscribe():
    """Save this device for new-order notifications of the current shop."""
    if not push_ready():
        return jsonify(error=_("This server is not set up to send notifications.")), 409
    data = request.get_json(silent=True)
    try:
        save_subscription(current_shop(), current_user, data)
    except SubscriptionError as error:
        db.session.rollback()
        return jsonify(error=str(error)), 422
    db.session.commit()
    return jsonify(subscribed=True, message=_("This device will be told of each new order."))


@bp.post("/push/unsubscribe")
@shop_required
def push_unsubscribe():
    """Forget this device for the current shop (another shop's devices stay as they are)."""
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    removed = remove_subscription(current_shop(), endpoint)
    db.session.commit()
    return jsonify(
        subscribed=False, removed=removed, message=_("This device will not be told anymore.")
    )


@bp.get("/push-sw.js")
@shop_required
def push_service_worker():
    """The dashboard's service worker: it only shows pushed notifications and opens the
    order they name; it keeps nothing and answers no page."""
    script = render_template("dashboard/push-sw.js")
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/dashboard/"
    return response
