"""Undoing a shop's last import, within a day of it.

Items it created are removed; items it updated get their previous name, description,
prices, code, category, availability, kind, stock, option groups and per-combination
stock back, except what the merchant or an order changed since the import (theirs
wins: a stock count an order moved stays); the undo says what it kept. Categories it
created are removed unless products sit in them now; discounts it created go unless
an order took one. Photos stay as the import left them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shop.catalog import delete_category
from shop.extensions import db
from shop.models import Availability, Category, Item, Job, JobState, Shop, utcnow
from shop.models.catalog_version import moves_once
from shop.shops.imports.discounts import undo_discounts
from shop.shops.imports.writing import UNDO_FIELDS, options_state, restore_options, undo_fields

KIND = "catalog-import"
UNDO_FOR = timedelta(days=1)


def can_undo(job: Job) -> bool:
    """Only the shop's latest finished import, once, within a day."""
    result = job.result or {}
    if job.kind != KIND or job.state is not JobState.DONE or "undo" not in result:
        return False
    if result.get("undone") or not job.finished_at or job.finished_at < utcnow() - UNDO_FOR:
        return False
    latest = db.session.scalar(
        select(Job.id)
        .where(Job.shop_id == job.shop_id, Job.kind == KIND, Job.state == JobState.DONE)
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(1)
    )
    return latest == job.id


def undo_import(job: Job) -> dict:
    """Undo `job` (can_undo must be true); what was done and kept. Flushes; the shop's
    catalog version moves once."""
    with moves_once(db.session, job.shop_id):
        outcome = _undo(job.shop_id, job.result["undo"])
    job.result = {**job.result, "undone": outcome}
    return outcome


def _undo(shop_id: int, undo: dict) -> dict:
    created = [i for i in undo.get("created", []) if isinstance(i, int)]
    doomed = list(
        db.session.scalars(select(Item).where(Item.shop_id == shop_id, Item.id.in_(created)))
    )
    for item in doomed:
        db.session.delete(item)  # its photos' links, options and stock go with it
    db.session.flush()
    kept: list[dict] = []
    categories = set(db.session.scalars(select(Category.id).where(Category.shop_id == shop_id)))
    restored = 0
    for change in undo.get("updated", []):
        item = db.session.get(Item, change.get("id"))
        if item is None or item.shop_id != shop_id:
            continue
        _restore(item, change, categories, kept)
        restored += 1
    removed_categories = _remove_categories(shop_id, undo.get("categories", []), kept)
    db.session.flush()
    discounts = [i for i in undo.get("discounts", []) if isinstance(i, int)]
    if discounts:
        undo_discounts(db.session.get(Shop, shop_id), discounts)
    return {
        "removed": len(doomed),
        "restored": restored,
        "categories": removed_categories,
        "kept": kept[:200],
    }


def _restore(item: Item, change: dict, categories: set[int], kept: list[dict]) -> None:
    """Put back each field (and the options) the import changed, unless it changed since."""
    now = undo_fields(item)
    before, after = change["before"], change["after"]
    for name in UNDO_FIELDS:
        if name not in before or now[name] == before[name]:
            continue  # an import recorded before stock was undone has no "stock"
        if now[name] != after.get(name) or (
            name == "category_id" and before[name] not in categories | {None}
        ):
            kept.append({"name": item.name, "field": name})
            continue
        value = before[name]
        setattr(item, name, Availability(value) if name == "availability" else value)
    if "options" in before and before["options"] != after.get("options"):
        if _as_recorded(options_state(item), after["options"]) != after["options"]:
            kept.append({"name": item.name, "field": "options"})
        else:
            restore_options(item, before["options"])


def _as_recorded(state: dict, recorded: dict) -> dict:
    """`state` as an import recorded before variant flags (0026) wrote it: without them."""
    groups = recorded.get("groups") or []
    if groups and all(len(group) == 5 for group in groups):
        return {**state, "groups": [group[:5] for group in state.get("groups", [])]}
    return state


def _remove_categories(shop_id: int, ids: list, kept: list[dict]) -> int:
    """Categories the import created go, unless products sit in them now."""
    removed = 0
    for category in db.session.scalars(
        select(Category).where(
            Category.shop_id == shop_id, Category.id.in_([i for i in ids if isinstance(i, int)])
        )
    ):
        used = db.session.scalar(select(Item.id).where(Item.category_id == category.id).limit(1))
        if used is not None:
            kept.append({"name": category.name, "field": "category_items"})
            continue
        delete_category(category, None)
        removed += 1
    return removed
