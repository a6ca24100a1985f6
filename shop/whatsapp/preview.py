"""A sample order's WhatsApp message with texts the merchant has not saved yet.

The dashboard's live preview asks the server for it, so what the merchant sees is
exactly what shop.whatsapp.message writes for a real order, in the shop's language.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import gettext as _

from shop.models import OrderStatus
from shop.whatsapp.message import order_message
from shop.whatsapp.update_texts import KINDS
from shop.whatsapp.updates import update_message


def preview_message(shop, greeting: str, closing: str, order_url: str) -> str:
    """The message for a sample order from this shop with these (checked) texts."""
    with force_locale(shop.language):
        lines = [
            SimpleNamespace(quantity=2, name=_("Blue T-shirt"), line_total_minor=4000),
            SimpleNamespace(quantity=1, name=_("Cap"), line_total_minor=850),
        ]
        order = SimpleNamespace(
            number=1042,
            language=shop.language,
            currency=shop.currency,
            currency_exponent=shop.currency_exponent,
            lines=lines,
            shipping_name=_("Home delivery"),
            shipping_price_minor=300,
            subtotal_minor=4850,
            total_minor=5150,
            customer_name="Ana",
            customer_address=_("1 Main Street"),
            customer_notes="",
            payment_name="",
            closed_note="",
        )
    sample_shop = SimpleNamespace(
        name=shop.name,
        whatsapp=shop.whatsapp,
        whatsapp_digits=shop.whatsapp_digits,
        greeting_text=greeting,
        closing_text=closing,
    )
    return order_message(order, sample_shop, order_url)


def preview_updates(shop, texts: dict[str, str], order_url: str) -> dict[str, str]:
    """Each message telling the shopper a sample order moved on, with these (checked)
    texts: written by shop.whatsapp.updates, the code that writes the real ones."""
    sample_shop = SimpleNamespace(name=shop.name, whatsapp=shop.whatsapp, update_texts=texts)
    previews = {}
    for kind in KINDS:
        status, pickup = _SAMPLE_MOVES[kind]
        with force_locale(shop.language):
            order = SimpleNamespace(
                number=1042,
                language=shop.language,
                currency=shop.currency,
                currency_exponent=shop.currency_exponent,
                total_minor=5150,
                customer_name="Ana",
                customer_phone="",
                shipping_needs_address=not pickup,
                payment_name=_("Bank transfer"),
                payment_kind="",
                payment_details="",
            )
            reason = _("Sold out") if status == OrderStatus.CANCELLED else ""
        previews[kind] = update_message(order, sample_shop, status, order_url, reason)
    return previews


_SAMPLE_MOVES = {
    "confirmed": (OrderStatus.CONFIRMED, False),
    "preparing": (OrderStatus.PREPARING, False),
    "ready_pickup": (OrderStatus.READY, True),
    "on_the_way": (OrderStatus.READY, False),
    "picked_up": (OrderStatus.DELIVERED, True),
    "delivered": (OrderStatus.DELIVERED, False),
    "cancelled": (OrderStatus.CANCELLED, False),
}
