"""Products and services: the catalog list, the item form, duplicate, reorder and delete."""

from __future__ import annotations

from dataclasses import replace

from babel.lists import format_list
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from shop import catalog
from shop.catalog import options as catalog_options
from shop.catalog.stock_edits import StockChanged
from shop.catalog.variants import variant_groups
from shop.dashboard import submissions
from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.catalog_forms import BulkForm, ItemForm, add_error
from shop.dashboard.checklist import next_step, setup_steps
from shop.dashboard.item_option_forms import GroupForm
from shop.dashboard.noting import item_before, noted, noted_item, noted_move
from shop.dashboard.photos import ingest_held, ingest_uploads  # also registers the photo routes
from shop.dashboard.uploads import described, hold_files
from shop.extensions import db
from shop.lib.locales import shop_locale
from shop.lib.money import format_amount_input
from shop.media import pending
from shop.models import ActivityKind, Availability, Category, Item
from shop.web import limits
from shop.web.redirects import safe_path


def list_filters(shop, categories) -> dict:
    """The list's search, category, availability and page from the query string.

    Anything unknown (another shop's category, a made-up status, page "abc") means
    "no filter" or page 1, never an error.
    """
    query = request.args.get("q", "")[: catalog.SEARCH_MAX]
    wanted = request.args.get("category", "")
    category = None
    if wanted == catalog.UNCATEGORISED:
        category = catalog.UNCATEGORISED
    else:
        category = next((c for c in categories if str(c.id) == wanted), None)
    status = request.args.get("availability", "")
    availability = Availability(status) if status in set(Availability) else None
    page = request.args.get("page", 1, type=int) or 1
    return {"query": query, "category": category, "availability": availability, "page": page}


def _list_args(filters: dict, page: int | None = None) -> dict:
    category = filters["category"]
    args = {
        "q": filters["query"] or None,
        "category": category if isinstance(category, str) else getattr(category, "id", None),
        "availability": filters["availability"].value if filters["availability"] else None,
        "page": page if page and page > 1 else None,
    }
    return {key: value for key, value in args.items() if value is not None}


@bp.get("/items")
@shop_required
def items():
    """Search, filter and page through the catalog; tick items for a bulk change."""
    shop = current_shop()
    categories = catalog.ordered_categories(shop)
    filters = list_filters(shop, categories)
    page = catalog.search_items(shop, **filters)
    filters["page"] = page.page
    here = url_for(".items", **_list_args(filters, page.page))
    return render_template(
        "dashboard/items/list.html",
        page=page,
        filters=filters,
        categories=categories,
        bulk_form=BulkForm(categories),
        here=here,
        page_url=lambda n: url_for(".items", **_list_args(filters, n)),
        can_reorder=isinstance(filters["category"], Category | str)
        and not filters["query"]
        and filters["availability"] is None,
        next_step=next_step(setup_steps(shop)),
    )


def _back_to_list(default_category=None) -> str:
    default = url_for(".items", **({"category": default_category} if default_category else {}))
    return safe_path(request.form.get("next") or request.args.get("next"), default)


def _save(form: ItemForm, item: Item | None) -> Item | None:
    """Create or update the item and attach new photos, all or nothing.

    Returns None (after a rollback, errors on the form) when anything is refused, so a
    rejected photo never saves half a submit and the merchant keeps what they typed.
    """
    shop = current_shop()
    files = form.chosen_files()
    held = pending.claim(shop, _held_tokens(), catalog.MAX_PHOTOS)
    before = item_before(item)
    try:
        data = form.item_data()
        if form.wants_new_category():
            data = replace(data, category=_new_category(shop, form.new_category.data or ""))
        if item is None:
            item = catalog.create_item(shop, data)
        else:
            catalog.update_item(item, data)
        if len(files) + len(held) > catalog.photo_room(item):
            raise catalog.CatalogError(catalog.too_many_photos_message(), "photos")
        catalog.add_photos(item, ingest_held(shop, held) + ingest_uploads(shop, files))
        pending.release(held)
        noted_item(item, before)
    except catalog.CatalogError as error:
        db.session.rollback()
        add_error(form, error)
        if isinstance(error, StockChanged):
            form.stock_changed_meanwhile(error.current)
        return None
    return item


def _new_category(shop, name: str) -> Category:
    """The category typed in the product form, made in the same commit as the product."""
    try:
        return catalog.create_category(shop, name)
    except catalog.CatalogError as error:
        raise catalog.CatalogError(error.message, "new_category") from None


def _held_tokens() -> list[str]:
    """The held uploads the form carries (ticked), in the order it shows them."""
    return request.form.getlist("uploads") if request.method == "POST" else []


def _hold_carried(form: ItemForm) -> list[str]:
    """A refused form's photos, held so the page keeps them (a browser cannot refill a
    file input); the tokens of the ones the pipeline took."""
    files = form.chosen_files()
    if not files:
        return []
    held, refused = hold_files(current_shop(), files)
    db.session.commit()
    known = set(form.photos.errors)
    form.photos.errors = [*form.photos.errors, *(r for r in refused if r not in known)]
    return [upload.token for upload in held]


def _render_form(form: ItemForm, item: Item | None, **options):
    shop = current_shop()
    tokens = _held_tokens() + (_hold_carried(form) if form.errors else [])
    held = pending.claim(shop, tokens, catalog.MAX_PHOTOS)
    example = format_amount_input(123450, shop.currency, shop.currency_exponent, shop_locale(shop))
    refused = form.errors or options.get("refused")
    return render_template(
        "dashboard/items/form.html",
        form=form,
        item=item,
        max_photos=catalog.MAX_PHOTOS,
        example_amount=example,
        held_uploads=[described(upload) for upload in held],
        **(_option_forms(item, **options) if item is not None else {}),
    ), (422 if refused else 200)


def _option_forms(
    item: Item,
    group_forms=None,
    stock_errors=None,
    stock_typed=None,
    stock_loaded=None,
    refused=False,
) -> dict:
    """The edit page's option and stock forms; `group_forms` replaces some with what was
    typed (a refused save), by group id or "new"."""
    typed = group_forms or {}
    forms = [
        (group, typed.get(group.id) or GroupForm.for_group(group, item.shop))
        for group in item.option_groups
    ]
    return {
        "group_forms": forms,
        "new_group_form": typed.get("new") or GroupForm(item.shop, prefix="new", formdata=None),
        "combinations": catalog_options.combinations(item),
        "variant_names": variant_names(item),
        "stock_errors": stock_errors or {},
        "stock_typed": stock_typed or {},
        "stock_loaded": stock_loaded or {},
    }


def variant_names(item: Item) -> str:
    """The item's own variant groups for a heading: "Talla, Color and Material"."""
    names = [group.name for group in variant_groups(item)]
    return format_list(names, locale=str(get_locale() or "en")) if names else ""


def render_item_page(item: Item, **options):
    """The edit page again after a refused option or stock change (422)."""
    categories = catalog.ordered_categories(item.shop)
    return _render_form(ItemForm.for_item(item, categories), item, refused=True, **options)


@bp.route("/items/new", methods=["GET", "POST"])
@limits.photo_uploads
@shop_required
def new_item():
    shop = current_shop()
    form = ItemForm(shop, catalog.ordered_categories(shop))
    if request.method == "GET":
        form.form_key.data = submissions.new_key()
        if request.args.get("category"):
            form.category.data = request.args["category"]
    if form.validate_on_submit():
        earlier = submissions.claim(current_user.id, form.form_key.data)
        if earlier is not None:  # sent twice: the first request saved it
            flash(_("Product saved."), "success")
            return redirect(earlier.result or url_for(".items"))
        item = _save(form, None)
        if item is not None:
            target = _after_new(item)
            submissions.remember(current_user.id, form.form_key.data, target)
            db.session.commit()
            if request.form.get("then") == "another":
                flash(_("%(name)s saved. Add the next one.", name=item.name), "success")
            else:
                flash(_("Product saved."), "success")
            return redirect(target)
    return _render_form(form, None)


def _after_new(item: Item) -> str:
    """Where a saved new product leads: its category's list, or with "Save and add
    another" a fresh form in the same category, so a run of products is one page each."""
    if request.form.get("then") == "another":
        return url_for(".new_item", category=item.category_id)
    return url_for(".items", category=item.category_id or catalog.UNCATEGORISED)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@limits.photo_uploads
@shop_required
def edit_item(item_id: int):
    item = owned_or_404(Item, item_id)
    categories = catalog.ordered_categories(item.shop)
    if request.method == "GET":
        form = ItemForm.for_item(item, categories)
    else:
        form = ItemForm(item.shop, categories)
    if form.validate_on_submit() and _save(form, item) is not None:
        db.session.commit()
        flash(_("Product saved."), "success")
        return redirect(url_for(".edit_item", item_id=item.id))
    return _render_form(form, item)


@bp.route("/items/<int:item_id>/delete", methods=["GET", "POST"])
@shop_required
def delete_item(item_id: int):
    """A page that asks first (works without JavaScript), then deletes."""
    item = owned_or_404(Item, item_id)
    if request.method == "POST":
        name, category_id = item.name, item.category_id
        catalog.delete_items([item])
        noted(ActivityKind.ITEM, name, details={"deleted": True})
        db.session.commit()
        flash(_("%(name)s deleted.", name=name), "success")
        return redirect(url_for(".items", category=category_id or catalog.UNCATEGORISED))
    return render_template("dashboard/items/delete.html", items=[item], single=True)


@bp.post("/items/<int:item_id>/duplicate")
@shop_required
def duplicate_item(item_id: int):
    item = owned_or_404(Item, item_id)
    copy = catalog.duplicate_item(item)
    noted(ActivityKind.ITEM, copy.name, details={"copied_from": item.name})
    db.session.commit()
    flash(_("Copy made. It stays hidden until you make it available."), "success")
    return redirect(url_for(".edit_item", item_id=copy.id))


@bp.post("/items/<int:item_id>/move")
@shop_required
def move_item(item_id: int):
    """Up or down one place within its category."""
    item = owned_or_404(Item, item_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    if catalog.move_item(item, direction):
        noted_move(item.name, direction)
        db.session.commit()
        flash(_("Position saved."), "success")
    return redirect(_back_to_list(item.category_id or catalog.UNCATEGORISED))


@bp.post("/items/bulk")
@shop_required
def bulk_items():
    """One change for every ticked item; ids of other shops' items are ignored."""
    shop = current_shop()
    categories = catalog.ordered_categories(shop)
    form = BulkForm(categories)
    back = _back_to_list()
    if not form.validate_on_submit():
        flash(_("Choose what to do with the selected products."), "error")
        return redirect(back)
    ids = request.form.getlist("item_ids", type=int)[: catalog.PER_PAGE * 4]
    chosen = list(
        db.session.scalars(
            select(Item)
            .where(Item.shop_id == shop.id, Item.id.in_(ids))
            .order_by(Item.position, Item.id)
        )
    )
    if not chosen:
        flash(_("Tick the products to change first."), "error")
        return redirect(back)
    action = form.action.data
    if action == "delete":
        if request.form.get("confirmed") != "yes":
            return render_template(
                "dashboard/items/delete.html", items=chosen, single=False, form=form, next=back
            )
        count = catalog.delete_items(chosen)
        message = ngettext("%(num)d product deleted.", "%(num)d products deleted.", count)
    elif action == "move":
        catalog.move_items(chosen, form.categories.get(form.category.data or ""))
        message = ngettext("%(num)d product moved.", "%(num)d products moved.", len(chosen))
    else:
        catalog.set_availability(chosen, Availability(action))
        message = ngettext("%(num)d product updated.", "%(num)d products updated.", len(chosen))
    names = [item.name for item in chosen]
    noted(ActivityKind.ITEM, ", ".join(names), details={"bulk": action, "count": len(names)})
    db.session.commit()
    flash(message, "success")
    return redirect(back)
