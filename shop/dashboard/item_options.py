"""An item's option groups and its stock per size/colour combination (on its edit page).

Each group is its own small form, so a mistake in one never loses another's text;
a refused change renders the edit page again with what the merchant typed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from shop.catalog import CatalogError
from shop.catalog import options as catalog_options
from shop.dashboard.access import owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.catalog_forms import add_error
from shop.dashboard.item_option_forms import GroupForm
from shop.dashboard.items import render_item_page
from shop.dashboard.noting import noted, noted_counts
from shop.extensions import db
from shop.models import ActivityKind, Item, OptionGroup


def _group_or_404(item: Item, group_id: int) -> OptionGroup:
    group = next((g for g in item.option_groups if g.id == group_id), None)
    if group is None:
        abort(404)
    return group


def _back(item: Item):
    return redirect(url_for(".edit_item", item_id=item.id) + "#options")


def _save(item: Item, form: GroupForm, group: OptionGroup | None):
    if form.validate_on_submit():
        try:
            catalog_options.save_group(item, form.group_data(), group)
        except CatalogError as error:
            db.session.rollback()
            add_error(form, error)
        else:
            data = form.group_data()
            what = "added" if group is None else "saved"
            noted(ActivityKind.ITEM, item.name, details={"options": what, "group": data.name})
            db.session.commit()
            flash(_("Options saved."), "success")
            return _back(item)
    key = "new" if group is None else group.id
    return render_item_page(item, group_forms={key: form})


@bp.post("/items/<int:item_id>/options")
@shop_required
def new_option_group(item_id: int):
    item = owned_or_404(Item, item_id)
    return _save(item, GroupForm(item.shop, prefix="new"), None)


@bp.post("/items/<int:item_id>/options/<int:group_id>")
@shop_required
def save_option_group(item_id: int, group_id: int):
    item = owned_or_404(Item, item_id)
    group = _group_or_404(item, group_id)
    return _save(item, GroupForm(item.shop, prefix=f"g{group.id}"), group)


@bp.post("/items/<int:item_id>/options/<int:group_id>/delete")
@shop_required
def delete_option_group(item_id: int, group_id: int):
    item = owned_or_404(Item, item_id)
    group = _group_or_404(item, group_id)
    name = group.name
    catalog_options.delete_group(item, group)
    noted(ActivityKind.ITEM, item.name, details={"options": "removed", "group": name})
    db.session.commit()
    flash(_("Option group removed."), "success")
    return _back(item)


@bp.post("/items/<int:item_id>/options/<int:group_id>/move")
@shop_required
def move_option_group(item_id: int, group_id: int):
    item = owned_or_404(Item, item_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    if catalog_options.move_group(item, _group_or_404(item, group_id), direction):
        db.session.commit()
    return _back(item)


@bp.post("/items/<int:item_id>/variant-stock")
@shop_required
def save_variant_stock(item_id: int):
    """Units per combination: one input each, named stock-<key>; empty stops counting."""
    item = owned_or_404(Item, item_id)
    values: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for key, text in _prefixed(request.form, "stock-").items():
        if (units := _units(text)) is False:
            errors[key] = _("Write a whole number, or leave it empty.")
        else:
            values[key] = units
    # The counts the form showed (loaded-<key>), so orders taken meanwhile are not undone;
    # a form without them (from before they existed) writes as it always did.
    shown = _prefixed(request.form, "loaded-")
    loaded = {key: units for key, text in shown.items() if (units := _units(text)) is not False}
    if not errors:
        try:
            refused = catalog_options.set_variant_stock(item, values, loaded if shown else None)
        except CatalogError as error:
            db.session.rollback()
            errors[error.field or ""] = error.message
        else:
            if not refused:
                noted_counts(item, None, loaded, values)
                db.session.commit()
                flash(_("Stock saved."), "success")
                return _back(item)
            db.session.rollback()
            for change in refused:
                errors[change.field] = change.message
                loaded[change.field] = change.current
            errors[""] = _("Nothing was saved: orders changed some counts while you were editing.")
    typed = {key: request.form.get(f"stock-{key}", "") for key in values | errors if key}
    return render_item_page(item, stock_errors=errors, stock_typed=typed, stock_loaded=loaded)


def _prefixed(form, prefix: str) -> dict[str, str]:
    return {
        name.removeprefix(prefix): text.strip()
        for name, text in form.items()
        if name.startswith(prefix)
    }


def _units(text: str) -> int | bool | None:
    """A typed count: None when empty, False when not a whole number of up to 7 digits."""
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else False
