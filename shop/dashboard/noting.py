"""The dashboard's side of the activity log: the signed-in member is who did it.

Views call these right after an operation succeeded, before their one commit, so a
change and its row are saved (or rolled back) together (shop.activity.record).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_login import current_user
from sqlalchemy import inspect

from shop.activity import record, record_changes, snapshot
from shop.dashboard.access import current_shop
from shop.models import ActivityKind, Item

ITEM_FIELDS = (
    "name",
    "description",
    "category_id",
    "code",
    "availability",
    "is_service",
    "price_minor",
    "compare_at_minor",
    "stock",
)
ITEM_KINDS = {
    "price_minor": ActivityKind.PRICE,
    "compare_at_minor": ActivityKind.PRICE,
    "stock": ActivityKind.STOCK,
}


def noted(
    kind: ActivityKind, subject: str, *, details: Mapping | None = None, note: str = ""
) -> None:
    """Record that the signed-in member did `kind` to `subject` in the current shop."""
    record(current_shop(), kind, subject, by=current_user, details=details, note=note)


def noted_changes(
    subject: str,
    before: Mapping[str, object],
    after: Mapping[str, object],
    kind: ActivityKind,
    kinds: Mapping[str, ActivityKind] | None = None,
) -> None:
    """Record what changed between two snapshots, one row per kind."""
    record_changes(current_shop(), subject, before, after, kind=kind, by=current_user, kinds=kinds)


def item_before(item: Item | None) -> dict[str, object]:
    """An item's fields the log compares, with its number of photos (none for a new item)."""
    return _item_now(item) if item is not None else {}


def noted_item(item: Item, before: Mapping[str, object]) -> None:
    """An item saved: its price, stock and other changes each under their own kind; the
    photos it gained as their count (a new item without photos says nothing of them)."""
    after = _item_now(item)
    if not before and not after["photos"]:
        del after["photos"]
    noted_changes(item.name, before, after, ActivityKind.ITEM, ITEM_KINDS)


def _item_now(item: Item) -> dict[str, object]:
    return snapshot(item, ITEM_FIELDS) | {"photos": len(item.photos)}


def noted_move(subject: str, direction: str) -> None:
    """An item or a category moved one place up or down in its list."""
    noted(ActivityKind.ITEM, subject, details={"moved": direction})


def noted_counts(
    item: Item,
    own: tuple[int | None, int | None] | None,
    loaded: Mapping[str, int | None],
    typed: Mapping[str, int | None],
) -> None:
    """Counts saved on the stock page or the item's page: the item's own (`own`: shown,
    saved) and each combination's (by key), each as [before, after]; none changed, no row."""
    details: dict[str, list] = {}
    if own is not None and own[0] != own[1]:
        details["stock"] = [own[0], own[1]]
    for key, units in typed.items():
        if loaded.get(key) != units:
            details[f"stock {key}"] = [loaded.get(key), units]
    if details:
        noted(ActivityKind.STOCK, item.name, details=details)


# Bookkeeping columns a form never sets: a change of theirs is not news.
NOT_NEWS = frozenset({"id", "shop_id", "updated_at", "created_at", "position", "version"})


def whole(obj: object) -> dict[str, object]:
    """Every column of a row (its bookkeeping left out), to compare after a form saved."""
    names = [attr.key for attr in inspect(type(obj)).column_attrs if attr.key not in NOT_NEWS]
    return snapshot(obj, names)


def noted_whole(
    obj: object, before: Mapping[str, object], kind: ActivityKind, subject: str
) -> None:
    """Record what a form changed in `obj` since `before` (whole(obj) then)."""
    noted_changes(subject, before, whole(obj), kind)


def person(someone) -> str:
    """A member (or user) as the log names them: their name, else their e-mail."""
    user = getattr(someone, "user", someone)
    return user.name or user.email
