"""The shop's customers as a CSV file: the dashboard's download and the export ZIP's.

Totals are counted from the orders as the rows are read (shop.ordering.customers), in
the shop's currency; cells go through write_csv, so a name typed as a formula stays text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

from shop.lib.money import to_decimal
from shop.models import Customer, Shop
from shop.ordering.customers import Totals, customer_rows
from shop.shops.exports import Cell


def customer_header() -> list[str]:
    return [
        _("Customer number"),
        _("Name"),
        _("WhatsApp (not verified)"),
        _("Orders"),
        _("Total spent"),
        _("Currency"),
        _("First order (UTC)"),
        _("Last order (UTC)"),
        _("Tags"),
        _("Note"),
    ]


def _when(value) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None


def customer_csv_rows(
    shop: Shop, rows: Iterable[tuple[Customer, Totals]] | None = None
) -> Iterator[list[Cell]]:
    """One row per customer (merged ones are part of the one they were merged into)."""
    for customer, totals in customer_rows(shop) if rows is None else rows:
        yield [
            customer.id,
            customer.name,
            customer.phone,
            totals.orders,
            to_decimal(totals.spent_minor, shop.currency_exponent),
            shop.currency,
            _when(totals.first_at),
            _when(totals.last_at),
            customer.tags,
            customer.note,
        ]
