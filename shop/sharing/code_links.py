"""Shop links that apply a discount code: ``/s/<slug>?code=VERANO10``.

The shop's pages stay the same cached page for everyone: the code is read by the
browser (static/js/cart.js keeps it with the cart in localStorage) and the fast path's
cache key ignores the parameter. Only codes a shopper could use today are offered.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlalchemy import select

from shop.extensions import db
from shop.models import Discount, Shop
from shop.ordering.coupons import is_current, shop_today

CODE_PARAM = "code"  # read by static/js/cart.js and shop-checkout.js


def code_link(link: str, shown_code: str) -> str:
    """`link` with ``?code=`` added to whatever query it has."""
    parts = urlsplit(link)
    param = urlencode({CODE_PARAM: shown_code})
    return urlunsplit(parts._replace(query=f"{parts.query}&{param}" if parts.query else param))


def shareable_codes(shop: Shop, now: datetime) -> list[Discount]:
    """The shop's codes that are on and not over (a code starting later is offered too:
    a merchant prepares the post before the sale), by code."""
    today = shop_today(shop, now)
    codes = db.session.scalars(
        select(Discount)
        .where(Discount.shop_id == shop.id, Discount.code.is_not(None), Discount.active)
        .order_by(Discount.code)
    )
    return [
        code
        for code in codes
        if is_current(code, today) or (code.starts_on is not None and code.starts_on > today)
    ]
