"""Categories: create, rename, reorder, delete without losing items."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop import catalog
from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.catalog_forms import CategoryForm, DeleteCategoryForm, add_error
from shop.dashboard.noting import noted, noted_move
from shop.extensions import db
from shop.models import ActivityKind, Category


@bp.route("/categories", methods=["GET", "POST"])
@shop_required
def categories():
    """The list, in shop order, with the form to add one."""
    shop = current_shop()
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = catalog.create_category(shop, form.name.data)
        except catalog.CatalogError as error:
            db.session.rollback()
            add_error(form, error)
        else:
            noted(ActivityKind.ITEM, category.name, details={"category": "added"})
            db.session.commit()
            flash(_("Category %(name)s added.", name=category.name), "success")
            return redirect(url_for(".categories"))
    status = 422 if form.errors else 200
    return (
        render_template(
            "dashboard/categories/list.html",
            form=form,
            categories=catalog.ordered_categories(shop),
            counts=catalog.item_counts(shop),
        ),
        status,
    )


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@shop_required
def edit_category(category_id: int):
    category = owned_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    was = category.name
    if form.validate_on_submit():
        try:
            catalog.rename_category(category, form.name.data)
        except catalog.CatalogError as error:
            db.session.rollback()
            add_error(form, error)
        else:
            noted(ActivityKind.ITEM, category.name, details={"category": [was, category.name]})
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect(url_for(".categories"))
    status = 422 if form.errors else 200
    return render_template("dashboard/categories/edit.html", form=form, category=category), status


@bp.post("/categories/<int:category_id>/move")
@shop_required
def move_category(category_id: int):
    """Up or down one place: plain buttons, so it works without JavaScript."""
    category = owned_or_404(Category, category_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    if catalog.move_category(category, direction):
        noted_move(category.name, direction)
        db.session.commit()
        flash(_("Position saved."), "success")
    return redirect(url_for(".categories") + f"#category-{category.id}")


@bp.route("/categories/<int:category_id>/delete", methods=["GET", "POST"])
@shop_required
def delete_category(category_id: int):
    """Ask where the category's items go, then delete it: no item is ever lost."""
    category = owned_or_404(Category, category_id)
    shop = current_shop()
    others = [c for c in catalog.ordered_categories(shop) if c.id != category.id]
    form = DeleteCategoryForm(others)
    count = catalog.item_counts(shop).get(category.id, 0)
    if form.validate_on_submit():
        target = next((c for c in others if str(c.id) == form.move_items_to.data), None)
        name = category.name
        catalog.delete_category(category, target)
        moved_to = target.name if target is not None else None
        noted(ActivityKind.ITEM, name, details={"category": "deleted", "items_to": moved_to})
        db.session.commit()
        flash(_("Category %(name)s deleted.", name=name), "success")
        return redirect(url_for(".categories"))
    status = 422 if form.errors else 200
    return (
        render_template(
            "dashboard/categories/delete.html", form=form, category=category, count=count
        ),
        status,
    )
