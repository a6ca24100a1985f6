"""Add from photos: pick several photos, get one draft product per photo, type names,
prices and categories in one list and save them together.

A draft is a held upload (shop.media.pending) marked as one, never an item: it cannot
show up in the shop, its search, feeds, the sitemap or an export. It becomes an item
when it has a name and a price and the list is saved; until then it keeps the name
typed so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from shop import catalog
from shop.catalog import CATEGORY_NAME_MAX, ITEM_NAME_MAX, CatalogError, ItemData
from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted
from shop.dashboard.photos import ingest_held
from shop.dashboard.uploads import described, hold_files
from shop.extensions import db
from shop.lib.locales import shop_locale
from shop.lib.money import AmountError, format_amount_input, parse_amount
from shop.media import pending
from shop.models import ActivityKind, Availability, PendingUpload
from shop.web import limits

MAX_DRAFTS = 30


@dataclass
class Row:
    """One draft as typed in the list."""

    draft: PendingUpload
    name: str = ""
    price: str = ""
    category: str = ""
    remove: bool = False
    error: str = ""
    price_minor: int | None = None


def _typed(draft: PendingUpload) -> Row:
    token = draft.token
    return Row(
        draft=draft,
        name=request.form.get(f"name-{token}", "").strip()[: ITEM_NAME_MAX + 1],
        price=request.form.get(f"price-{token}", "").strip()[:40],
        category=request.form.get(f"category-{token}", ""),
        remove=request.form.get(f"remove-{token}") == "y",
    )


def _checked(shop, row: Row, categories: dict) -> Row:
    """The row's error, if it has a price (only priced rows become items)."""
    if row.remove or not row.price:
        return row
    if not row.name:
        row.error = _("Enter a name.")
    elif len(row.name) > ITEM_NAME_MAX:
        row.error = _("Use at most %(max)d characters.", max=ITEM_NAME_MAX)
    elif row.category and row.category not in categories:
        row.error = _("Not a valid choice.")
    else:
        try:
            row.price_minor = parse_amount(
                row.price, shop.currency, shop.currency_exponent, shop_locale(shop)
            )
        except AmountError as error:
            row.error = str(error)
    return row


def _render(rows: list[Row], status: int = 200):
    shop = current_shop()
    return render_template(
        "dashboard/items/from_photos.html",
        rows=rows,
        previews={row.draft.token: described(row.draft)["preview"] for row in rows},
        categories=catalog.ordered_categories(shop),
        example_amount=format_amount_input(
            1250, shop.currency, shop.currency_exponent, shop_locale(shop)
        ),
        max_drafts=MAX_DRAFTS,
        category_name_max=CATEGORY_NAME_MAX,
    ), status


@bp.route("/items/from-photos", methods=["GET", "POST"])
@limits.photo_uploads
@shop_required
def items_from_photos():
    shop = current_shop()
    drafts = pending.drafts(shop)
    if request.method == "GET":
        return _render([Row(draft=d, name=d.draft_name) for d in drafts])
    if request.form.get("action") == "upload":
        return _add_photos(shop, drafts)
    return _save_list(shop, drafts)


def _add_photos(shop, drafts: list[PendingUpload]):
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    room = MAX_DRAFTS - len(drafts)
    if not files:
        flash(_("Choose a photo to upload."), "error")
    elif len(files) > room:
        flash(
            _("At most %(max)d drafts at a time: save or remove some first.", max=MAX_DRAFTS),
            "error",
        )
    else:
        held, refused = hold_files(shop, files, draft=True)
        for draft in held:
            draft.draft_name = draft.draft_name or PurePath(draft.filename).stem[:ITEM_NAME_MAX]
        db.session.commit()
        for message in refused:
            flash(message, "error")
    return redirect(url_for(".items_from_photos"))


def _save_list(shop, drafts: list[PendingUpload]):
    categories = {str(c.id): c for c in catalog.ordered_categories(shop)}
    rows = [_checked(shop, _typed(d), categories) for d in drafts]
    if any(row.error for row in rows):
        return _render(rows, 422)
    made = 0
    try:
        for row in rows:
            if row.remove:
                db.session.delete(row.draft)
            elif row.price_minor is None:
                row.draft.draft_name = row.name[:ITEM_NAME_MAX]
            else:
                item = catalog.create_item(
                    shop,
                    ItemData(
                        name=row.name,
                        price_minor=row.price_minor,
                        category=categories.get(row.category),
                        availability=Availability.AVAILABLE,
                    ),
                )
                catalog.add_photos(item, ingest_held(shop, [row.draft]))
                pending.release([row.draft])
                made += 1
    except CatalogError as error:
        db.session.rollback()
        row.error = error.message
        return _render(rows, 422)
    if made:
        noted(ActivityKind.IMPORT, "", details={"from_photos": made})
    db.session.commit()
    waiting = len(pending.drafts(shop))
    message = ngettext("%(num)d product saved.", "%(num)d products saved.", made)
    if waiting:
        message += " " + ngettext(
            "%(num)d draft waits for its price.", "%(num)d drafts wait for their prices.", waiting
        )
    flash(message, "success")
    return redirect(url_for(".items_from_photos") if waiting else url_for(".items"))
