"""The ways to deliver a merchant offers at set-up, so a new shop can take orders at once.

Set-up asks for a home delivery price and whether shoppers may pick up; each answer
becomes an ordinary shipping method, named in the shop's language (the shopper reads
it), to be renamed, priced or removed later like any other.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from shop.models import ShippingMethod, Shop
from shop.ordering.shipping import create_method


def add_first_delivery(
    shop: Shop, *, delivery_minor: int | None, pickup: bool
) -> list[ShippingMethod]:
    """Home delivery at `delivery_minor` (None: not offered) and free pickup if asked."""
    methods = []
    with force_locale(shop.language):
        if delivery_minor is not None:
            methods.append(
                create_method(
                    shop, name=_("Home delivery"), price_minor=delivery_minor, needs_address=True
                )
            )
        if pickup:
            methods.append(
                create_method(shop, name=_("Pickup"), price_minor=0, needs_address=False)
            )
    return methods
