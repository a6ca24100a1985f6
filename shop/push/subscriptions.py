"""A merchant's device saved for a shop's Web Push, or removed.

The browser hands over where its push service listens (the endpoint) and the keys to
encrypt with. The app will POST to that endpoint, so it must be one of the push services
in PUSH_SERVICES (never an address of the merchant's choosing: no request forgery), and
the keys must have the sizes the encryption needs.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from shop.extensions import db
from shop.models import PushSubscription, Shop, User

MAX_ENDPOINT = 1000


class SubscriptionError(ValueError):
    """A subscription we will not store; the message is for the merchant."""


def check_endpoint(endpoint: object) -> str:
    """The endpoint, if it is on a push service this server posts to."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise SubscriptionError(_("This browser gave no address for its notifications."))
    try:
        parts = urlsplit(endpoint)
        host, port = (parts.hostname or ""), parts.port
    except ValueError:
        host, port, parts = "", None, None
    if parts is None or parts.username or parts.password or parts.fragment or not host:
        raise SubscriptionError(_("This browser's notification service is not one we know."))
    for service in current_app.config["PUSH_SERVICES"]:
        allowed = urlsplit(service)
        if parts.scheme != allowed.scheme or port != allowed.port:
            continue
        wanted = allowed.hostname or ""
        if host == wanted or (wanted.startswith("*.") and host.endswith(wanted[1:])):
            return endpoint
    raise SubscriptionError(_("This browser's notification service is not one we know."))


def _key(value: object, size: int) -> str:
    """A base64url key of exactly `size` bytes, as the browser gave it."""
    if isinstance(value, str) and len(value) < 200:
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) == size and value.isascii():
            return value
    raise SubscriptionError(_("This browser gave keys we cannot use."))


def save_subscription(shop: Shop, user: User, data: object) -> PushSubscription:
    """Store (or refresh) this device for this shop and merchant; flushes."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise SubscriptionError(_("This browser gave no address for its notifications."))
    endpoint = check_endpoint(data.get("endpoint"))
    p256dh = _key(data["keys"].get("p256dh"), 65)
    auth = _key(data["keys"].get("auth"), 16)
    found = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.shop_id == shop.id, PushSubscription.endpoint == endpoint
        )
    )
    if found is None:
        found = PushSubscription(shop_id=shop.id, endpoint=endpoint)
        db.session.add(found)
    found.user_id, found.p256dh, found.auth = user.id, p256dh, auth
    db.session.flush()
    return found


def remove_subscription(shop: Shop, endpoint: object) -> bool:
    """Forget this device for this shop; True if it was there. Flushes."""
    if not isinstance(endpoint, str):
        return False
    result = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.shop_id == shop.id, PushSubscription.endpoint == endpoint
        )
    )
    return bool(result.rowcount)
