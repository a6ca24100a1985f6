"""Forgetting a customer: their personal data leaves the shop's orders, the sales stay.

Deleting a customer (by hand, or after the months without an order the shop chose)
blanks who they are on every order of theirs (name, number, address, notes and any
column that says where they are) and removes the customer; the lines, totals and
statuses stay, so the shop's figures do not change. Functions flush; callers commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Boolean, String, Text, delete, func, or_, select, update

from shop.extensions import db
from shop.jobs.kinds import periodic
from shop.jobs.running import RunningJob
from shop.models import Customer, Order, Shop, utcnow

MONTH = timedelta(days=30)
MAX_MONTHS = 120
# Columns of an order that say who or where the shopper is: every "customer_*" column
# and any location (a delivery point added by a later feature is caught by its name).
_WHERE = ("address", "location", "latitude", "longitude", "_lat", "_lng", "_lon", "geo")


def personal_columns() -> list:
    """The order's columns that hold the shopper's personal data."""
    columns = []
    for column in Order.__table__.columns:
        name = column.name
        if name == "customer_id" or isinstance(column.type, Boolean):
            continue  # the link itself is cut below; a flag such as needs_address says nothing
        if name.startswith("customer_") or any(part in name for part in _WHERE):
            columns.append(column)
    return columns


def _blank(column) -> object:
    if isinstance(column.type, String | Text) and not column.nullable:
        return ""
    return None


def forget_customers(shop_id: int, customer_ids: list[int]) -> int:
    """Wipe the customers' personal data from their orders and delete them (and any
    customer merged into them); returns the orders wiped."""
    if not customer_ids:
        return 0
    ids = list(customer_ids)
    merged = db.session.scalars(
        select(Customer.id).where(Customer.merged_into_id.in_(ids), Customer.shop_id == shop_id)
    ).all()
    everyone = ids + list(merged)
    values = {column.name: _blank(column) for column in personal_columns()}
    wiped = db.session.execute(
        update(Order)
        .where(Order.shop_id == shop_id, Order.customer_id.in_(ids))
        .values(customer_id=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        delete(Customer)
        .where(Customer.shop_id == shop_id, Customer.id.in_(everyone))
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return wiped


def forget_customer(customer: Customer) -> int:
    return forget_customers(customer.shop_id, [customer.id])


def idle_customers(shop: Shop, now: datetime) -> list[int]:
    """The shop's customers whose last order is older than its chosen months (none
    while the setting is off)."""
    months = shop.forget_customers_after_months
    if not months:
        return []
    cutoff = now - months * MONTH
    last = (
        select(Order.customer_id, func.max(Order.created_at).label("last"))
        .where(Order.shop_id == shop.id, Order.customer_id.is_not(None))
        .group_by(Order.customer_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Customer.id)
            .outerjoin(last, last.c.customer_id == Customer.id)
            .where(
                Customer.shop_id == shop.id,
                Customer.merged_into_id.is_(None),
                or_(last.c.last < cutoff, last.c.last.is_(None)),
            )
        )
    )


@periodic("customers-forget", every=timedelta(days=1))
def forget_idle_customers(job: RunningJob, now: datetime | None = None) -> dict:
    """Each shop that chose it: customers with no order for its months are forgotten."""
    now = now or utcnow()
    shops = db.session.scalars(
        select(Shop).where(Shop.forget_customers_after_months.is_not(None))
    ).all()
    forgotten = 0
    for shop in shops:
        forgotten += len(ids := idle_customers(shop, now))
        forget_customers(shop.id, ids)
        db.session.commit()
    return {"forgotten": forgotten}


def default_privacy_text(shop_name: str, months: int | None) -> str:
    """What the privacy page says about orders when the shop wrote nothing of its own;
    `months`: the shop's forget_customers_after_months."""
    kept = _(
        "Your orders (what you chose, your name and, if you give them, your WhatsApp "
        "number, address and notes) are kept for %(shop)s to prepare and deliver them and "
        "to know you when you order again.",
        shop=shop_name,
    )
    if months:
        how_long = ngettext(
            "Your name, number, address and notes are deleted from the shop's orders "
            "%(num)d month after your last order; what was sold and its totals stay in "
            "the shop's accounts.",
            "Your name, number, address and notes are deleted from the shop's orders "
            "%(num)d months after your last order; what was sold and its totals stay in "
            "the shop's accounts.",
            months,
        )
    else:
        how_long = _(
            "They are kept until you ask the shop to delete them: write to it on "
            "WhatsApp. Your name, number, address and notes are then deleted from its "
            "orders; what was sold and its totals stay in the shop's accounts."
        )
    return f"{kept} {how_long}"


def privacy_of(shop_id: int) -> tuple[str, str, int | None]:
    """The shop's name, own privacy text and months, read for the public page alone
    (the storefront's shop row does not carry them)."""
    row = db.session.execute(
        select(Shop.name, Shop.privacy_text, Shop.forget_customers_after_months).where(
            Shop.id == shop_id
        )
    ).one()
    return row[0], row[1], row[2]


def orders_privacy_text(shop_id: int) -> str:
    """What the public privacy page says is kept about orders, and for how long."""
    name, own, months = privacy_of(shop_id)
    return own.strip() or default_privacy_text(name, months)
