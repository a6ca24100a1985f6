"""From a cart to an order and on: pricing, rules, shipping, payments, stock, statuses.

- cart.py: a shopper's cart priced from the database, refused line by line;
- choices.py: which option choices a cart line may have and what they cost;
- rules.py: the shop's minimum, opening hours and payment choice at checkout;
- checkout.py: the priced cart recorded as a numbered order, once per key;
- shipping.py, payments.py: how a shop ships and gets paid (the merchant's rules);
- stock.py: units taken at checkout and given back on cancel, race-safely;
- statuses.py: how the merchant moves an order along;
- paid.py: the merchant's paid mark, set and taken back race-safely.

No module here knows about requests. This package may import lib, models, media and
catalog, never shops, whatsapp, the web plumbing (but its gettext, shop.web.translating)
or the pages. The names below are its API.
"""

from shop.ordering.cart import (
    MAX_ADDRESS,
    MAX_LINES,
    MAX_NAME,
    MAX_NOTES,
    MAX_QUANTITY,
    Customer,
    OrderError,
    PricedCart,
    PricedLine,
    ShopPaused,
    ShopUnavailable,
    check_customer,
    price_cart,
)
from shop.ordering.checkout import (
    IDEMPOTENCY_KEY,
    check_idempotency_key,
    checkout,
    find_order,
    order_by_token,
    place_order,
    take_order_number,
)

__all__ = [
    "IDEMPOTENCY_KEY",
    "MAX_ADDRESS",
    "MAX_LINES",
    "MAX_NAME",
    "MAX_NOTES",
    "MAX_QUANTITY",
    "Customer",
    "OrderError",
    "PricedCart",
    "PricedLine",
    "ShopPaused",
    "ShopUnavailable",
    "check_customer",
    "check_idempotency_key",
    "checkout",
    "find_order",
    "order_by_token",
    "place_order",
    "price_cart",
    "take_order_number",
]
