"""The order message a shopper sends to the merchant, and its wa.me link. Pure functions.

The text is written in the order's language with WhatsApp's *bold*, and fitted so the
whole link stays under about 2,000 characters: longer links fail to open on some
phones and in-app browsers. What does not fit is summarised; the order number, the
total, the customer's name and the order link are always kept.
"""

from __future__ import annotations

from urllib.parse import quote

from flask_babel import force_locale

from shop.lib.hours import shop_zone
from shop.lib.locales import regional_locale
from shop.lib.money import format_money
from shop.models import PaymentKind
from shop.ordering.slots import slot_text
from shop.web.translating import gettext as _
from shop.web.translating import ngettext
from shop.whatsapp.texts import render_text

MAX_URL_LENGTH = 2000
ELLIPSIS = "…"


def wa_link(digits: str, text: str) -> str:
    """``https://wa.me/<digits>?text=<text>``, every character of the text encoded."""
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def order_link(order, shop, order_url: str, *, limit: int = MAX_URL_LENGTH) -> str:
    """The wa.me link that opens the merchant's chat with the order message typed in."""
    return wa_link(shop.whatsapp_digits, order_message(order, shop, order_url, limit=limit))


def order_message(order, shop, order_url: str, *, limit: int = MAX_URL_LENGTH) -> str:
    """The message text, short enough that its wa.me link has at most `limit` characters."""
    prefix = len(wa_link(shop.whatsapp_digits, ""))
    with force_locale(order.language):
        parts = _parts(order, shop, order_url)
        lines = parts.pop("lines")
        text = _fit(parts, lines, limit - prefix, len(order.lines))
    return text


def _parts(order, shop, order_url: str) -> dict:
    """Every piece of the message, in the language forced by the caller."""
    locale = regional_locale(order.language, shop.whatsapp)

    def money(minor: int) -> str:
        return format_money(minor, order.currency, order.currency_exponent, locale)

    values = {
        "shop": shop.name,
        "number": str(order.number),
        "name": order.customer_name,
        "total": money(order.total_minor),
    }
    greeting = getattr(shop, "greeting_text", "")
    closing = getattr(shop, "closing_text", "")
    parts = {
        "greeting": render_text(greeting, **values)
        if greeting
        else _("Hello %(shop)s, I would like to place this order:", shop=shop.name),
        "number": "*" + _("Order #%(number)d", number=order.number) + "*",
        "lines": [
            _(
                "%(quantity)d x %(name)s - %(amount)s",
                quantity=line.quantity,
                name=line_label(line),
                amount=money(line.line_total_minor),
            )
            for line in order.lines
        ],
        "shipping": "",
        "discount": "",
        "total": "*" + _("Total: %(amount)s", amount=money(order.total_minor)) + "*",
        "name": _("Name: %(name)s", name=order.customer_name),
        "address": "",
        "location": "",
        "when": "",
        "notes": "",
        "payment": "",
        "closed_note": getattr(order, "closed_note", ""),
        "link": _("View order: %(url)s", url=order_url),
        "closing": render_text(closing, **values) if closing else "",
    }
    if getattr(order, "payment_name", ""):
        parts["payment"] = _("Payment: %(method)s", method=order.payment_name)
    if getattr(order, "payment_kind", "") == PaymentKind.PIX.value:
        # The shopper pays with the code on the order page: say so, and where it is.
        parts["link"] = _("Pix code and order: %(url)s", url=order_url)
    shipping_name = order.shipping_name
    if getattr(order, "zone_name", ""):
        shipping_name = f"{shipping_name} ({order.zone_name})"
    if order.shipping_name and not order.shipping_price_minor:
        parts["shipping"] = _("Shipping: %(method)s - free", method=shipping_name)
    elif order.shipping_name:
        parts["shipping"] = _(
            "Shipping: %(method)s - %(amount)s",
            method=shipping_name,
            amount=money(order.shipping_price_minor),
        )
    if getattr(order, "discount_minor", 0):
        parts["discount"] = _(
            "Discount %(label)s: -%(amount)s",
            label=order.discount_code or order.discount_name,
            amount=money(order.discount_minor),
        )
    if order.customer_address:
        parts["address"] = _("Address: %(address)s", address=order.customer_address)
    if getattr(order, "slot_at", None) is not None:
        when = slot_text(order.slot_at, order.slot_ends_at, shop_zone(shop))
        if order.shipping_needs_address:
            parts["when"] = _("Delivery time: %(when)s", when=when)
        else:
            parts["when"] = _("Pickup time: %(when)s", when=when)
    if getattr(order, "location_url", ""):
        parts["location"] = _("Location: %(url)s", url=order.location_url)
    if order.customer_notes:
        parts["notes"] = _("Notes: %(notes)s", notes=order.customer_notes)
    return parts


def line_label(line) -> str:
    """The product with its chosen options: "Camiseta (Talla: M, Color: azul)"."""
    options = getattr(line, "options_text", "")
    return f"{line.name} ({options})" if options else line.name


def _more(count: int) -> str:
    return ngettext(
        "…and %(num)d more item (see the order link)",
        "…and %(num)d more items (see the order link)",
        count,
    )


def _fit(parts: dict, lines: list[str], budget: int, line_count: int) -> str:
    """Join the parts, dropping item lines, then shortening free text, until it fits."""

    def assemble(shown: list[str], hidden: int, fields: dict) -> list[str]:
        body = [*shown, _more(hidden)] if hidden else shown
        pieces = [fields["greeting"], fields["number"], *body, fields["shipping"]]
        pieces += [fields["discount"]]
        pieces += [fields["total"], fields["payment"], fields["when"], fields["name"]]
        pieces += [fields["address"], fields["location"]]
        pieces += [fields["notes"], fields["closed_note"], fields["link"], fields["closing"]]
        return [piece for piece in pieces if piece]

    shown = len(lines)
    while shown > 0 and encoded_length(assemble(lines[:shown], line_count - shown, parts)) > budget:
        shown -= 1
    pieces = assemble(lines[:shown], line_count - shown, parts)
    # Even with no item lines it is too long: shorten the free text, least useful first.
    keys = ("closing", "notes", "address", "closed_note", "payment", "shipping", "greeting", "name")
    for key in keys:
        excess = encoded_length(pieces) - budget
        if excess <= 0:
            break
        parts = {**parts, key: shorten(parts[key], encoded_length([parts[key]]) - excess)}
        pieces = assemble(lines[:shown], line_count - shown, parts)
    return "\n".join(pieces)


# What quote(..., safe="") leaves as it is (RFC 3986's unreserved characters); every
# other UTF-8 byte becomes %XX.
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"


def quoted_length(text: str) -> int:
    """len(quote(text, safe="")), counted from the UTF-8 bytes: each byte quote would
    escape is three characters. In C, without building the quoted text (the message is
    measured a dozen times while it is fitted, and quote works byte by byte in Python)."""
    data = text.encode()
    return len(data) + 2 * len(data.translate(None, _UNRESERVED))


def encoded_length(pieces: list[str]) -> int:
    """Length of the pieces joined by new lines, once URL-encoded (a new line is %0A)."""
    return quoted_length("\n".join(pieces))


def shorten(text: str, budget: int) -> str:
    """The longest start of `text`, plus an ellipsis, whose encoded length fits `budget`."""
    if quoted_length(text) <= budget:
        return text
    room = budget - quoted_length(ELLIPSIS)
    used = 0
    kept = []
    for char in text:
        size = quoted_length(char)
        if used + size > room:
            break
        kept.append(char)
        used += size
    return "".join(kept).rstrip() + ELLIPSIS if kept else ""
