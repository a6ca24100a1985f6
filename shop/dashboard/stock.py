"""The stock page: units left of every counted item, for whoever holds the stock capability.

Staff may count units but not edit items, so this page reads only the count fields of
its forms: a forged name or price in the POST is never looked at. A refused save shows
the page again with what was typed and the counts as they are now.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.catalog import CatalogError
from shop.catalog.common import SEARCH_MAX
from shop.catalog.stock_counts import LOW_STOCK, MAX_LISTED, counted_items, save_counts
from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted_counts
from shop.extensions import db
from shop.models import Item

NOT_A_NUMBER = object()
OWN, FORM = "", "form"  # error keys beside the combinations' keys: the item's own count, all


def _key(field: str) -> str:
    return OWN if field == "stock" else field


def _units(text: str | None):
    """A typed count: None when empty, NOT_A_NUMBER unless a whole number of up to 7 digits."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else NOT_A_NUMBER


def _prefixed(prefix: str) -> dict[str, str]:
    return {
        name.removeprefix(prefix): text
        for name, text in request.form.items()
        if name.startswith(prefix)
    }


def _page(query: str, *, status: int = 200, **refused):
    return (
        render_template(
            "dashboard/stock.html",
            stock=counted_items(current_shop(), query),
            query=query,
            low_stock=LOW_STOCK,
            max_listed=MAX_LISTED,
            refused_item=refused.get("item_id"),
            errors=refused.get("errors", {}),
            typed=refused.get("typed", {}),
            loaded=refused.get("loaded", {}),
        ),
        status,
    )


@bp.get("/stock")
@shop_required
def stock():
    """Counted items, running low first, then by category; search by name."""
    return _page(request.args.get("q", "")[:SEARCH_MAX])


@bp.post("/stock/<int:item_id>")
@shop_required
def save_stock(item_id: int):
    """One item's counts: `stock`/`loaded` (its own), `stock-<key>`/`loaded-<key>`."""
    item = owned_or_404(Item, item_id)
    query = request.form.get("q", "")[:SEARCH_MAX]
    typed = {key: _units(text) for key, text in _prefixed("stock-").items()}
    loaded = {key: _units(text) for key, text in _prefixed("loaded-").items()}
    own = None
    if "stock" in request.form:
        if "loaded" not in request.form:
            abort(400)  # this page always sends the count it showed
        own = (_units(request.form["loaded"]), _units(request.form["stock"]))
    shown_counts = [*loaded.values(), *([own[0]] if own else [])]
    if (not typed and own is None) or NOT_A_NUMBER in shown_counts:
        abort(400)  # nothing to save, or a count this page never showed
    errors = {
        key: _("Write a whole number, or leave it empty.")
        for key, value in typed.items()
        if value is NOT_A_NUMBER
    }
    if own is not None and own[1] is NOT_A_NUMBER:
        errors[OWN] = _("Write a whole number, or leave it empty.")
    status = 422
    if not errors:
        try:
            refused = save_counts(item, own, loaded, typed)
        except CatalogError as error:
            db.session.rollback()
            errors[_key(error.field or FORM)] = error.message
        else:
            if not refused:
                noted_counts(item, own, loaded, typed)
                db.session.commit()
                flash(_("Stock of %(name)s saved.", name=item.name), "success")
                return redirect(url_for(".stock", q=query or None) + f"#item-{item.id}")
            db.session.rollback()
            status = 409
            shown = dict(loaded, **({OWN: own[0]} if own else {}))
            for change in refused:
                errors[_key(change.field)] = change.message
                shown[_key(change.field)] = change.current
            errors[FORM] = _(
                "Nothing was saved: orders changed some counts while you were editing."
            )
            loaded = shown
    if own is not None and OWN not in loaded:
        loaded[OWN] = own[0]
    shown_text = {key: request.form.get(f"stock-{key}", "") for key in typed}
    if own is not None:
        shown_text[OWN] = request.form.get("stock", "")
    return _page(
        query, status=status, item_id=item.id, errors=errors, typed=shown_text, loaded=loaded
    )
