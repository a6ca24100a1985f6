"""What the public pages say about the shop's ordering rules: hours, minimum, payments.

The shop and cart pages are cached for everyone (keyed by catalog_version), so they
must never carry "open" or "closed" as rendered text: that would go stale the minute
the shop opens. They carry the hours instead (merged week intervals, the shop's time
zone and the phrases, in the shop's language) and static/js/shop-hours.js works out
the state from the shopper's clock, with the same rule as shop.lib.hours.status. The page
only changes when the hours do, and changing them bumps catalog_version.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from shop.lib import hours
from shop.lib.locales import money
from shop.models import PaymentMethod
from shop.storefront.fast import connection


def hours_data(shop) -> dict | None:
    """The JSON shop-hours.js reads; None when the shop has no hours (always open)."""
    intervals = hours.week_intervals(shop.opening_hours)
    if not intervals:
        return None
    return {
        "zone": hours.shop_zone(shop),
        "intervals": intervals,
        "days": [hours.day_name(day) for day in range(7)],
        "texts": {
            "open": _("Open now"),
            "openUntil": _("Open now, closes at %(time)s", time="{time}"),
            "closed": _("Closed, opens %(when)s", when="{when}"),
            "today": _("today at %(time)s", time="{time}"),
            "tomorrow": _("tomorrow at %(time)s", time="{time}"),
            "day": _("%(day)s at %(time)s", day="{day}", time="{time}"),
        },
    }


def week_rows(shop) -> list[tuple[str, str]]:
    """The weekly hours as a table shows them, Monday first: ("Monday", "09:00-14:00")."""
    if not shop.opening_hours:
        return []
    return [
        (hours.day_name(day), hours.day_text(shop.opening_hours, day) or _("Closed"))
        for day in range(7)
    ]


def minimum_text(shop) -> str:
    minimum = shop.min_order_minor or 0
    return _("Minimum order: %(amount)s", amount=money(minimum, shop)) if minimum else ""


def cart_payments(shop) -> list:
    """The active payment methods, in the merchant's order (one statement)."""
    return (
        connection()
        .execute(
            select(PaymentMethod.id, PaymentMethod.name, PaymentMethod.kind)
            .where(PaymentMethod.shop_id == shop.id, PaymentMethod.active.is_(True))
            .order_by(PaymentMethod.position, PaymentMethod.id)
        )
        .all()
    )


def checkout_rules(shop, now) -> dict:
    """For the single-product form, rendered per request: the state can be said as text."""
    state = hours.status(shop.opening_hours, hours.shop_zone(shop), now)
    return {
        "minimum": minimum_text(shop),
        "hours": "" if not shop.opening_hours else hours.status_text(state),
        "closed": not state.open,
    }
