"""Shipping methods: what delivery or pickup costs, and in which order shoppers see them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted, noted_whole, whole
from shop.dashboard.shop_forms import ShippingForm
from shop.extensions import db
from shop.lib.locales import shop_locale
from shop.lib.money import format_amount_input
from shop.models import ActivityKind, ShippingMethod
from shop.ordering import shipping

# Werkzeug's int converter takes any size; ids beyond the column's range are simply absent.
METHOD_ID = "<int(max=2147483647):method_id>"


@bp.route("/shipping", methods=["GET"])
@shop_required
def shipping_methods():
    shop = current_shop()
    return render_template("dashboard/shipping/list.html", shop=shop, methods=shop.shipping_methods)


@bp.route("/shipping/new", methods=["GET", "POST"])
@shop_required
def new_shipping_method():
    shop = current_shop()
    form = ShippingForm(shop=shop)
    if form.validate_on_submit():
        values = form.method_values()
        twin = _same_method(shop, values)
        if twin is not None:  # the form sent twice: it is already there
            flash(_("Shipping method %(name)s added.", name=twin.name), "success")
            return redirect(url_for(".shipping_methods") + f"#method-{twin.id}")
        try:
            method = shipping.create_method(shop, **values)
        except shipping.ShippingError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            noted_whole(method, {}, ActivityKind.SHIPPING, method.name)
            db.session.commit()
            flash(_("Shipping method %(name)s added.", name=method.name), "success")
            return redirect(url_for(".shipping_methods") + f"#method-{method.id}")
    status = 422 if form.errors else 200
    return _form_page(form, None, status)


@bp.route(f"/shipping/{METHOD_ID}/edit", methods=["GET", "POST"])
@shop_required
def edit_shipping_method(method_id: int):
    method = owned_or_404(ShippingMethod, method_id)
    shop = current_shop()
    data = None
    if request.method == "GET":
        data = {
            "name": method.name,
            "price": format_amount_input(
                method.price_minor, shop.currency, shop.currency_exponent, shop_locale(shop)
            ),
            "kind": "delivery" if method.needs_address else "pickup",
            "active": method.active,
            "free_above": ""
            if method.free_above_minor is None
            else format_amount_input(
                method.free_above_minor, shop.currency, shop.currency_exponent, shop_locale(shop)
            ),
        }
    form = ShippingForm(shop=shop, data=data)
    if form.validate_on_submit():
        before = whole(method)
        try:
            shipping.update_method(method, **form.method_values())
        except shipping.ShippingError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            noted_whole(method, before, ActivityKind.SHIPPING, method.name)
            db.session.commit()
            flash(_("Shipping method saved."), "success")
            return redirect(url_for(".shipping_methods") + f"#method-{method.id}")
    status = 422 if form.errors else 200
    return _form_page(form, method, status)


@bp.post(f"/shipping/{METHOD_ID}/delete")
@shop_required
def delete_shipping_method(method_id: int):
    method = owned_or_404(ShippingMethod, method_id)
    name = method.name
    shipping.delete_method(method)
    noted(ActivityKind.SHIPPING, name, details={"deleted": True})
    db.session.commit()
    flash(_("Shipping method %(name)s deleted.", name=name), "success")
    return redirect(url_for(".shipping_methods"))


@bp.post(f"/shipping/{METHOD_ID}/move")
@shop_required
def move_shipping_method(method_id: int):
    """One place up or down: plain buttons, so it works without JavaScript."""
    method = owned_or_404(ShippingMethod, method_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    if shipping.move_method(method, -1 if direction == "up" else 1):
        db.session.commit()
    return redirect(url_for(".shipping_methods") + f"#method-{method.id}")


@bp.post(f"/shipping/{METHOD_ID}/toggle")
@shop_required
def toggle_shipping_method(method_id: int):
    """Stop offering a method for a while (or offer it again) without deleting it.

    The form says which state it wants, so a double-tapped button does not undo itself.
    """
    method = owned_or_404(ShippingMethod, method_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        abort(400)
    before = whole(method)
    shipping.set_active(method, wanted == "1")
    noted_whole(method, before, ActivityKind.SHIPPING, method.name)
    db.session.commit()
    if method.active:
        flash(_("Shoppers can choose %(name)s again.", name=method.name), "success")
    else:
        flash(_("%(name)s is hidden from shoppers.", name=method.name), "success")
    return redirect(url_for(".shipping_methods") + f"#method-{method.id}")


def _form_page(form: ShippingForm, method: ShippingMethod | None, status: int):
    shop = current_shop()
    example = format_amount_input(1250, shop.currency, shop.currency_exponent, shop_locale(shop))
    return (
        render_template(
            "dashboard/shipping/form.html", form=form, method=method, price_example=example
        ),
        status,
    )


def _same_method(shop, values: dict) -> ShippingMethod | None:
    return next(
        (
            m
            for m in shop.shipping_methods
            if m.name == values["name"]
            and m.price_minor == values["price_minor"]
            and m.needs_address == values["needs_address"]
        ),
        None,
    )
