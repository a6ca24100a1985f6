"""Undoing a shop's last import, within a day of it.

Items it created are removed; items it updated get their previous name, description,
prices, code, category, availability and kind back, except a field the merchant changed
since the import (theirs wins) and stock, options and photos (orders and later edits
move them): the undo says what it kept. Categories it created stay (they may hold
items the merchant added since); discounts it created go unless an order took one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shop.extensions import db
from shop.models import Availability, Category, Item, Job, JobState, Shop, utcnow
from shop.shops.imports.discounts import undo_discounts
from shop.shops.imports.writing import UNDO_FIELDS, undo_fields

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
    """Undo `job` (can_undo must be true); what was done and kept. Flushes."""
    undo = job.result["undo"]
    created = [i for i in undo.get("created", []) if isinstance(i, int)]
    doomed = list(
        db.session.scalars(select(Item).where(Item.shop_id == job.shop_id, Item.id.in_(created)))
    )
    for item in doomed:
        db.session.delete(item)  # its photos' links, options and stock go with it
    removed = len(doomed)
    categories = set(db.session.scalars(select(Category.id).where(Category.shop_id == job.shop_id)))
    restored, kept = 0, []
    for change in undo.get("updated", []):
        item = db.session.get(Item, change.get("id"))
        if item is None or item.shop_id != job.shop_id:
            continue
        now = undo_fields(item)
        for name in UNDO_FIELDS:
            before, after = change["before"].get(name), change["after"].get(name)
            if now[name] == before:
                continue
            if now[name] != after or (name == "category_id" and before not in categories | {None}):
                kept.append({"name": item.name, "field": name})
                continue
            setattr(item, name, Availability(before) if name == "availability" else before)
        restored += 1
    db.session.flush()
    discounts = [i for i in undo.get("discounts", []) if isinstance(i, int)]
    if discounts:
        undo_discounts(db.session.get(Shop, job.shop_id), discounts)
    outcome = {"removed": removed, "restored": restored, "kept": kept[:200]}
    job.result = {**job.result, "undone": outcome}
    return outcome
