"""Recording an order that came another way (the rules: shop.ordering.manual)."""

from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.order_lines_form import pickable, posted_rows
from shop.extensions import db
from shop.ordering import Customer, OrderError
from shop.ordering.manual import record_order
from shop.ordering.offers import offers


@bp.route("/orders/new", methods=["GET", "POST"])
@shop_required
def new_order():
    shop = current_shop()
    if request.method == "GET":
        return _form(rows=[], key=secrets.token_urlsafe(24))
    rows = posted_rows(shop)
    key = request.form.get("key", "")
    if request.form.get("action") != "save":
        return _form(rows, key)
    form = request.form
    try:
        order, created = record_order(
            shop,
            [row.raw_line for row in rows],
            shipping_method_id=form.get("shipping") or None,
            customer=Customer(
                name=form.get("name", ""),
                address=form.get("address", ""),
                notes=form.get("notes", ""),
                phone=form.get("phone", ""),
            ),
            payment_method_id=form.get("payment") or None,
            paid=form.get("paid") == "1",
            idempotency_key=key,
            by=current_user,
        )
    except OrderError as error:
        db.session.rollback()
        return _form(rows, key, error=error.message, field=error.field), 422
    db.session.commit()
    if created:
        flash(_("Order #%(number)s recorded.", number=order.number), "success")
    else:
        flash(_("Order #%(number)s was already recorded.", number=order.number), "info")
    return redirect(url_for("dashboard.order_detail", order_id=order.id), code=303)


def _form(rows, key: str, error: str = "", field: str | None = None):
    shop = current_shop()
    shown = offers(shop)
    return render_template(
        "dashboard/orders/new.html",
        shop=shop,
        rows=rows,
        key=key,
        error=error,
        field=field,
        pickable=pickable(shop),
        methods=shown.shipping,
        payments=shown.payment,
        form=request.form,
    )
