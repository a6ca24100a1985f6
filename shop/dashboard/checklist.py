"""The first steps after set-up, as a short checklist on the dashboard home.

Three things make a shop worth sharing: a product, a way to deliver, and the link sent
to someone. Each is read from what the shop has (no step is ticked by hand), and the
checklist is gone for good once all three are done.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from shop.extensions import db
from shop.models import Item, ShippingMethod, Shop, utcnow


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    url: str


def setup_steps(shop: Shop) -> list[Step]:
    has_item = db.session.scalar(select(exists().where(Item.shop_id == shop.id)))
    delivers = db.session.scalar(
        select(exists().where(ShippingMethod.shop_id == shop.id, ShippingMethod.active))
    )
    return [
        Step(
            "product", _l("Add your first product"), bool(has_item), url_for("dashboard.new_item")
        ),
        Step(
            "delivery",
            _l("Add a way to deliver (shipping or pickup)"),
            bool(delivers),
            url_for("dashboard.new_shipping_method"),
        ),
        Step(
            "share",
            _l("Share your shop link"),
            shop.link_shared_at is not None,
            url_for("dashboard.share"),
        ),
    ]


def next_step(steps: list[Step]) -> Step | None:
    """The first step not done yet (the one the home page points at), or None."""
    return next((step for step in steps if not step.done), None)


def mark_link_shared(shop: Shop) -> bool:
    """Record that the merchant opened the share page or copied the link; True if new."""
    if shop.link_shared_at is not None:
        return False
    shop.link_shared_at = utcnow()
    return True
