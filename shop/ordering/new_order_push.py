"""A Web Push notification per new order to the devices the shop's merchants turned it on
for, so a phone with the dashboard closed still hears of it.

Queued after the order is committed, like the e-mail (shop.ordering.new_order_mail): the
checkout never waits on a push service, and a failure to queue is logged, never the
shopper's problem. Written in the shop's language; the shopper's name is plain text in a
notification, which no browser renders as markup.
"""

from __future__ import annotations

import logging

from flask_babel import force_locale
from flask_babel import gettext as _

from shop.extensions import db
from shop.lib.locales import regional_locale
from shop.lib.money import format_money
from shop.models import Job, Order, Shop
from shop.push import push_configured, queue_push

log = logging.getLogger(__name__)
MAX_BODY = 200


def new_order_notification(order: Order, shop: Shop, order_path: str) -> dict:
    """Title, body, the dashboard path to open and a tag (one notification per order)."""
    locale = regional_locale(shop.language, shop.whatsapp)
    total = format_money(order.total_minor, order.currency, order.currency_exponent, locale)
    with force_locale(shop.language):
        title = _("New order #%(number)d", number=order.number)
        body = _("%(name)s · %(total)s", name=order.customer_name, total=total)
    return {
        "title": f"{title} · {shop.name}"[:MAX_BODY],
        "body": " ".join(body.split())[:MAX_BODY],
        "url": order_path,
        "tag": f"order-{order.id}",
    }


def push_new_order(order: Order, shop: Shop, order_path: str) -> Job | None:
    """Queue the push when this server can send it and a device asked; else None."""
    if not push_configured():
        return None  # checked first: a server without push pays no query at checkout
    try:
        message = new_order_notification(order, shop, order_path)
        return queue_push(shop.id, message, locale=shop.language)
    except Exception:
        db.session.rollback()  # the order was committed before; only the push is lost
        log.exception("new order push not queued (shop %s, order %s)", shop.id, order.number)
        return None
