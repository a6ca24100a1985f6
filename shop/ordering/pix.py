"""The Pix code of an order: its exact total, paid to the key the shopper was given.

Built from the order's own snapshot (the Pix method's key and city as they were when the
shopper ordered) and the shop's name, with the order number as the transaction id, so
the merchant's bank statement names the order. An order in another currency, or with a
total the BR Code cannot hold, has no code: its page shows the key alone.
"""

from __future__ import annotations

from shop.lib.brcode import MAX_NAME, BRCodeError, payload, plain
from shop.models import Order, PaymentKind, Shop
from shop.ordering.payments import PIX_CURRENCY, read_pix


def order_pix(order: Order, shop: Shop) -> str | None:
    """The "copia e cola" text for `order`, or None when it is not paid by Pix."""
    if order.payment_kind != PaymentKind.PIX.value:
        return None
    if order.currency != PIX_CURRENCY or order.currency_exponent != 2:
        return None
    pair = read_pix(order.payment_details)
    if pair is None:
        return None
    key, city = pair
    # A name of emoji only has nothing the code can carry: the slug always has.
    name = shop.name if plain(shop.name, MAX_NAME) else shop.slug
    try:
        return payload(
            key=key, name=name, city=city, amount_minor=order.total_minor, txid=str(order.number)
        )
    except BRCodeError:
        return None


def pix_key(order: Order) -> str:
    """The key alone, for the page and the merchant's records ("" when not Pix)."""
    if order.payment_kind != PaymentKind.PIX.value:
        return ""
    pair = read_pix(order.payment_details)
    return pair[0] if pair else ""
