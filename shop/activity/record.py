"""The one writer of the activity log: every change a merchant makes goes through here.

Called by the domain functions that know who acts (order statuses, edits, paid marks)
and by the dashboard's views right after an operation succeeded, in the request's own
transaction: it adds and flushes, never commits, so a change rolled back leaves no row
and a row never outlives its change.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from shop.extensions import db
from shop.lib.text import clean_line
from shop.models import Activity, ActivityKind, Order, OrderStatus, Shop, User, utcnow

SUBJECT_MAX = 200
NOTE_MAX = 300
# A details value is kept short: the log says what changed, it is not a second copy
# of a description or a message text.
VALUE_MAX = 300


def record(
    shop: Shop | int,
    kind: ActivityKind | str,
    subject: str = "",
    *,
    by: User | int | None = None,
    order: Order | None = None,
    status: OrderStatus | str | None = None,
    note: str = "",
    details: Mapping | None = None,
    at: datetime | None = None,
) -> Activity:
    """Add one row to `shop`'s activity: `by` did `kind` to `subject` at `at` (now).

    An order's rows name it (`order`), so they are its history too; `details` is
    JSON-able data, typically {"field": [before, after]} from differences(). `by` is
    the person or their id (a background job knows only the id)."""
    shop_id = shop if isinstance(shop, int) else shop.id
    if order is not None:
        subject = subject or f"#{order.number}"
        status = status if status is not None else order.status
    row = Activity(
        shop_id=shop_id,
        order=order,
        kind=ActivityKind(kind),
        status=OrderStatus(status) if status is not None else None,
        changed_at=at or utcnow(),
        changed_by_id=by if isinstance(by, int) or by is None else by.id,
        subject=" ".join(clean_line(subject or "").split())[:SUBJECT_MAX],
        note=clean_line(note or "")[:NOTE_MAX],
        details=_plain(dict(details)) if details else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, object]:
    """The values of `fields` of `obj` now, to compare after a change."""
    return {name: _plain(getattr(obj, name, None)) for name in fields}


def differences(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, list]:
    """{field: [before, after]} for each field whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def _plain(value: object) -> object:
    """JSON-able and short: dates in ISO 8601, enums by value, long text cut."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str) and len(value) > VALUE_MAX:
        return value[: VALUE_MAX - 1] + "…"
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record_changes(
    shop: Shop | int,
    subject: str,
    before: Mapping[str, object],
    after: Mapping[str, object],
    *,
    kind: ActivityKind,
    by: User | None = None,
    kinds: Mapping[str, ActivityKind] | None = None,
) -> list[Activity]:
    """One row per kind of what changed between two snapshots: an item's new price is a
    `price` row and its new name an `item` row, so filtering by kind finds each. Fields
    not in `kinds` are `kind`'s. Nothing changed, nothing recorded."""
    by_kind: dict[ActivityKind, dict[str, list]] = {}
    for name, change in differences(before, after).items():
        by_kind.setdefault((kinds or {}).get(name, kind), {})[name] = change
    return [
        record(shop, row_kind, subject, by=by, details=details)
        for row_kind, details in by_kind.items()
    ]
