"""The merchant's message to the shopper when an order moves on, and its wa.me link.

Nothing is sent by the app: the merchant's tap opens WhatsApp with the text typed in,
to the number the shopper gave at checkout (never verified), or shows the text to copy
when there is none. Written in the order's language (the shop's when it was placed),
with the shop's regional money format. Pure functions over the order's snapshot.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from shop.lib.locales import regional_locale
from shop.lib.money import format_money
from shop.models import OrderStatus, PaymentKind
from shop.whatsapp.message import MAX_URL_LENGTH, encoded_length, shorten, wa_link
from shop.whatsapp.update_texts import merchant_line, news_kind

REASON_MAX = 300


def update_message(
    order, shop, status: OrderStatus | str, order_url: str, reason: str = "", *, budget: int = 0
) -> str:
    """What the merchant tells the shopper about `order` now being in `status`.

    With a `budget` (URL-encoded characters), the free texts (the payment details, the
    reason) are shortened until it fits; the greeting, the news and the link stay.
    """
    status = OrderStatus(status)
    with force_locale(order.language):
        hello = _("Hello %(name)s, this is %(shop)s.", name=order.customer_name, shop=shop.name)
        news, free = _news(order, shop, status, reason.strip()[:REASON_MAX])
        own = _own_line(order, shop, status)
        if own:
            news[0] = own
        link = _("Your order: %(url)s", url=order_url)
    lines = [hello, *news, free, link]
    if budget and encoded_length(lines) > budget:
        free = shorten(free, max(0, encoded_length([free]) - (encoded_length(lines) - budget)))
        lines = [hello, *news, free, link]
    return "\n".join(line for line in lines if line)


def update_link(order, shop, status: OrderStatus | str, order_url: str, reason: str = "") -> str:
    """The wa.me link to the shopper's number with the message typed in; "" without a number."""
    if not order.customer_phone:
        return ""
    digits = order.customer_phone.lstrip("+")
    budget = MAX_URL_LENGTH - len(wa_link(digits, ""))
    return wa_link(digits, update_message(order, shop, status, order_url, reason, budget=budget))


def _own_line(order, shop, status: OrderStatus) -> str:
    """The merchant's text for this news, filled in; "" when they kept the default."""
    kind = news_kind(status, not order.shipping_needs_address)
    if kind is None:
        return ""
    locale = regional_locale(order.language, shop.whatsapp)
    total = format_money(order.total_minor, order.currency, order.currency_exponent, locale)
    return merchant_line(
        getattr(shop, "update_texts", None),
        kind,
        shop=shop.name,
        number=str(order.number),
        name=order.customer_name,
        total=total,
    )


def _news(order, shop, status: OrderStatus, reason: str) -> tuple[list[str], str]:
    """The news in fixed lines, and the free text that may be shortened (or "")."""
    number = order.number
    pickup = not order.shipping_needs_address
    if status == OrderStatus.CONFIRMED:
        locale = regional_locale(order.language, shop.whatsapp)
        total = format_money(order.total_minor, order.currency, order.currency_exponent, locale)
        news = [
            _("Your order #%(number)d is confirmed. Total: %(total)s.", number=number, total=total)
        ]
        if order.payment_name:
            news.append(_("Payment: %(method)s", method=order.payment_name))
        if order.payment_kind == PaymentKind.PIX.value:
            # Its details are the key and a city: the code to pay is on the page instead.
            return news, _("The Pix code with the exact amount is on your order page:")
        return news, order.payment_details
    if status == OrderStatus.PREPARING:
        return [_("We are preparing your order #%(number)d.", number=number)], ""
    if status == OrderStatus.READY and pickup:
        return [_("Your order #%(number)d is ready for pickup.", number=number)], ""
    if status == OrderStatus.READY:
        return [_("Your order #%(number)d is on its way.", number=number)], ""
    if status == OrderStatus.DELIVERED and pickup:
        return [_("You picked up your order #%(number)d. Thank you!", number=number)], ""
    if status == OrderStatus.DELIVERED:
        return [_("Your order #%(number)d was delivered. Thank you!", number=number)], ""
    if status == OrderStatus.CANCELLED:
        news = [_("We are sorry: your order #%(number)d is cancelled.", number=number)]
        return news, _("Reason: %(reason)s", reason=reason) if reason else ""
    return [_("Your order #%(number)d is open again.", number=number)], ""


def changed_message(order, shop, order_url: str, *, budget: int = 0) -> str:
    """What the merchant tells the shopper after changing their order: the new total,
    the lines as they are now (the free text, shortened to fit) and the link."""
    locale = regional_locale(order.language, shop.whatsapp)

    def money(minor: int) -> str:
        return format_money(minor, order.currency, order.currency_exponent, locale)

    with force_locale(order.language):
        hello = _("Hello %(name)s, this is %(shop)s.", name=order.customer_name, shop=shop.name)
        news = _(
            "We changed your order #%(number)d as agreed. New total: %(total)s.",
            number=order.number,
            total=money(order.total_minor),
        )
        link = _("Your order: %(url)s", url=order_url)
    free = "\n".join(
        f"{line.quantity} x {line.label} - {money(line.line_total_minor)}" for line in order.lines
    )
    lines = [hello, news, free, link]
    if budget and encoded_length(lines) > budget:
        free = shorten(free, max(0, encoded_length([free]) - (encoded_length(lines) - budget)))
        lines = [hello, news, free, link]
    return "\n".join(line for line in lines if line)


def changed_link(order, shop, order_url: str) -> str:
    """The wa.me link with changed_message typed in; "" without the shopper's number."""
    if not order.customer_phone:
        return ""
    digits = order.customer_phone.lstrip("+")
    budget = MAX_URL_LENGTH - len(wa_link(digits, ""))
    return wa_link(digits, changed_message(order, shop, order_url, budget=budget))
