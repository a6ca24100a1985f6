"""Changing an order after talking to the shopper (the rules: shop.ordering.edits)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.order_lines_form import (
    line_options,
    pickable,
    posted_choices,
    posted_customer,
    posted_rows,
    typed_customer,
)
from shop.dashboard.orders import order_money
from shop.extensions import db
from shop.models import Order, PhonePolicy
from shop.ordering import OrderError
from shop.ordering.edits import (
    Edit,
    EditConflict,
    EditError,
    NothingChanged,
    check_editable,
    edit_order,
)
from shop.ordering.offers import offers


def _refused(order: Order):
    """The order cannot be edited now: say why on its page."""
    try:
        check_editable(order)
    except EditError as error:
        flash(error.message, "error")
        return redirect(url_for("dashboard.order_detail", order_id=order.id), code=303)
    return None


@bp.route("/orders/<int:order_id>/edit", methods=["GET", "POST"])
@shop_required
def edit_order_page(order_id: int):
    order = owned_or_404(Order, order_id)
    refused = _refused(order)
    if refused is not None:
        return refused
    shop = current_shop()
    if request.method == "GET":
        return _form(order, rows=[], quantities={}, version=order.version)
    rows = posted_rows(shop)
    quantities = {
        line.id: request.form.get(f"qty-{line.id}", str(line.quantity)).strip()[:6]
        for line in order.lines
    }
    version = request.form.get("version", "")
    if request.form.get("action") != "save":
        return _form(order, rows, quantities, version)
    edit = Edit(
        quantities=quantities,
        added=[row.raw_line for row in rows],
        shipping_method_id=request.form.get("shipping") or None,
        choices=posted_choices(order),
        customer=posted_customer(),
    )
    try:
        edit_order(order, edit, seen_version=version, by=current_user)
    except NothingChanged as error:
        flash(error.message, "info")
        return redirect(url_for("dashboard.order_detail", order_id=order_id), code=303)
    except EditConflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("dashboard.order_detail", order_id=order_id), code=303)
    except OrderError as error:
        db.session.rollback()
        order = owned_or_404(Order, order_id)
        return _form(order, rows, quantities, version, error.message, error.field), 422
    db.session.commit()
    flash(
        _("Order #%(number)s changed. Tell the shopper the new total.", number=order.number),
        "success",
    )
    return redirect(url_for("dashboard.order_detail", order_id=order_id, _anchor="tell"), code=303)


def _form(order: Order, rows, quantities: dict, version, error: str = "", field=None):
    shop = current_shop()
    return render_template(
        "dashboard/orders/edit.html",
        shop=shop,
        order=order,
        rows=rows,
        quantities=quantities,
        version=version,
        error=error,
        pickable=pickable(shop),
        methods=offers(shop).shipping,
        chosen_shipping=request.form.get("shipping", ""),
        order_money=order_money,
        line_options=line_options(shop, order),
        customer=typed_customer(order),
        ask_phone=PhonePolicy(shop.ask_phone) != PhonePolicy.OFF,
        field=field,
    )
