"""The shop-wide automatic discount a product's own price can show: "10 % off
everything", with no minimum and no list of products, is what one unit of any product
costs in the cart, so the Meta feed lists it as the product's sale_price.

Only a percentage qualifies: a fixed amount comes off an order once, not off each
product, and free shipping is not a product's price. The price is the cart's to the
minor unit (shop.ordering.discounts: rounded half up on the line), and the dates are
the discount's days in the shop's time zone, ending at the shop's midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from shop.extensions import db
from shop.lib.hours import shop_zone, zone_info
from shop.models import Discount, DiscountKind, Shop
from shop.ordering.coupons import is_current, shop_today
from shop.ordering.discounts import percent_of

EFFECTIVE_FORMAT = "%Y-%m-%dT%H:%M%z"  # Meta's and Google's sale_price_effective_date


@dataclass(frozen=True)
class ShopWideSale:
    """A percentage off every product, and when it runs (aware datetimes or None)."""

    discount_id: int
    basis_points: int
    starts: datetime | None
    ends: datetime | None

    def price(self, amount_minor: int) -> int:
        """One unit's price in a cart with nothing else: exactly what checkout charges."""
        return amount_minor - percent_of(amount_minor, self.basis_points)

    @property
    def effective_dates(self) -> str:
        """``start/end`` in the shop's zone when the discount ends on a day (a feed needs
        both ends; one without an end runs until the merchant stops it), else ""."""
        if self.ends is None or self.starts is None:
            return ""
        return f"{self.starts.strftime(EFFECTIVE_FORMAT)}/{self.ends.strftime(EFFECTIVE_FORMAT)}"

    @property
    def fingerprint(self) -> str:
        """Part of the feed's ETag: discounts do not move the catalog version."""
        return f"sale:{self.discount_id}:{self.basis_points}:{self.effective_dates}"


def qualifies(discount: Discount) -> bool:
    return (
        discount.code is None
        and discount.kind == DiscountKind.PERCENT
        and discount.value > 0
        and not discount.min_order_minor
        and not discount.item_ids
        and not discount.category_ids
    )


def shop_wide_sale(shop: Shop, now: datetime) -> ShopWideSale | None:
    """The best shop-wide percentage running today (checkout takes the better one for
    the shopper), or None; no statement at all for a shop without automatic discounts."""
    if not shop.has_automatic_discount:
        return None
    today = shop_today(shop, now)
    found = db.session.scalars(
        select(Discount).where(
            Discount.shop_id == shop.id, Discount.code.is_(None), Discount.active
        )
    )
    running = [d for d in found if qualifies(d) and is_current(d, today)]
    if not running:
        return None
    best = max(running, key=lambda d: (d.value, -d.id))
    zone = zone_info(shop_zone(shop))
    if best.starts_on is not None:
        starts = datetime.combine(best.starts_on, time(), zone)
    else:
        # Running since it was made (stored as naive UTC).
        starts = best.created_at.replace(tzinfo=UTC).astimezone(zone)
    ends = (
        datetime.combine(best.ends_on + timedelta(days=1), time(), zone)
        if best.ends_on is not None
        else None
    )
    return ShopWideSale(best.id, best.value, starts, ends)
