"""The merchant's own news line for each message telling a shopper their order moved on.

One text per kind of news (confirmed, being prepared, ready for pickup or on its way,
picked up or delivered, cancelled), with the same placeholders and checks as the
greeting and closing lines of the order message (shop.whatsapp.texts). A kind with no
text of its own is the default line, written in the order's language when it is sent.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.models import OrderStatus
from shop.whatsapp.texts import render_text

# Kind of news -> what the merchant sees next to its field.
KINDS = {
    "confirmed": _l("Order confirmed"),
    "preparing": _l("Being prepared"),
    "ready_pickup": _l("Ready for pickup"),
    "on_the_way": _l("On the way"),
    "picked_up": _l("Picked up"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
}


def news_kind(status: OrderStatus, pickup: bool) -> str | None:
    """Which text tells a shopper about this status (None: reopening has no text)."""
    if status == OrderStatus.READY:
        return "ready_pickup" if pickup else "on_the_way"
    if status == OrderStatus.DELIVERED:
        return "picked_up" if pickup else "delivered"
    if status in (OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.CANCELLED):
        return status.value
    return None


def merchant_line(texts: dict | None, kind: str | None, **values: str) -> str:
    """The merchant's line for this kind (from the shop's update_texts) with its
    placeholders filled; "" for none."""
    text = (texts or {}).get(kind or "", "")
    if not isinstance(text, str) or not text:
        return ""
    return render_text(text, **values)
