"""An e-mail to the shop's owner for each new order, when the shop turned that on: the
merchant whose phone closed the orders tab still hears of it.

Plain text (the shopper's words stay inert), in the shop's language, with the link to
the order in the dashboard; queued through the job queue's mail (shop.mail), so the
checkout never waits on an SMTP server, and nothing at all when mail is not configured.
"""

from __future__ import annotations

import logging

from flask_babel import force_locale
from flask_babel import gettext as _

from shop.extensions import db
from shop.lib.locales import regional_locale
from shop.lib.money import format_money
from shop.lib.phones import format_whatsapp
from shop.mail import mail_configured, send_mail
from shop.models import Job, Order, Shop

log = logging.getLogger(__name__)


def new_order_mail(order: Order, shop: Shop) -> tuple[str, str]:
    """(subject, text) of the e-mail, in the shop's language."""
    locale = regional_locale(shop.language, shop.whatsapp)

    def money(minor: int) -> str:
        return format_money(minor, order.currency, order.currency_exponent, locale)

    with force_locale(shop.language):
        subject = _("New order #%(number)s · %(shop)s", number=order.number, shop=shop.name)
        lines = [_("New order #%(number)s", number=order.number), ""]
        for line in order.lines:
            lines.append(f"{line.quantity} x {line.label} - {money(line.line_total_minor)}")
        if order.shipping_name:
            shipping = f"{order.shipping_name} - {money(order.shipping_price_minor)}"
            lines.append(_("Shipping: %(method)s", method=shipping))
        lines += [_("Total: %(total)s", total=money(order.total_minor)), ""]
        lines.append(_("Name: %(name)s", name=order.customer_name))
        if order.customer_phone:
            lines.append(_("WhatsApp: %(number)s", number=format_whatsapp(order.customer_phone)))
        if order.customer_address:
            lines.append(_("Address: %(address)s", address=order.customer_address))
        if order.payment_name:
            lines.append(_("Payment: %(method)s", method=order.payment_name))
        if order.customer_notes:
            lines.append(_("Notes: %(notes)s", notes=order.customer_notes))
    return subject, "\n".join(lines)


def mail_new_order(order: Order, shop: Shop, order_link: str) -> Job | None:
    """Queue the e-mail when the shop wants it; None when it does not, or cannot.

    Called after the order is committed (the job's start commits). A failure to queue is
    logged and swallowed: the shopper's order is placed whatever the mail does."""
    if not shop.email_new_orders or not mail_configured():
        return None  # checked first: a shop without it pays no query at checkout
    owner = shop.owner
    if owner is None or "@" not in (owner.email or ""):
        return None
    subject, text = new_order_mail(order, shop)
    with force_locale(shop.language):
        text += "\n\n" + _("See it in your dashboard: %(link)s", link=order_link)
    try:
        return send_mail(
            owner.email, subject, text, locale=shop.language, shop_id=shop.id, user_id=owner.id
        )
    except Exception:
        db.session.rollback()  # the order was committed before; only the job is lost
        log.exception("new order e-mail not queued (shop %s, order %s)", shop.id, order.number)
        return None
