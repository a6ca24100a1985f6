"""Marking an order paid or unpaid from its page: one compare-and-set, one commit."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.dashboard.access import owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.extensions import db
from shop.models import Order
from shop.ordering.paid import (
    AlreadyPaid,
    AlreadyUnpaid,
    PaymentMarkError,
    mark_paid,
    mark_unpaid,
    parse_seen,
)


def _back(order: Order):
    return redirect(url_for("dashboard.order_detail", order_id=order.id, _anchor="paid"), code=303)


@bp.post("/orders/<int:order_id>/paid")
@shop_required
def mark_order_paid(order_id: int):
    order = owned_or_404(Order, order_id)
    try:
        mark_paid(
            order,
            request.form.get("method", ""),
            request.form.get("reference", ""),
            by=current_user,
        )
    except PaymentMarkError as error:
        db.session.rollback()
        flash(str(error), "info" if isinstance(error, AlreadyPaid) else "error")
        return _back(order)
    db.session.commit()
    flash(_("Order #%(number)s is marked paid.", number=order.number), "success")
    return _back(order)


@bp.post("/orders/<int:order_id>/unpaid")
@shop_required
def mark_order_unpaid(order_id: int):
    order = owned_or_404(Order, order_id)
    try:
        mark_unpaid(order, parse_seen(request.form.get("seen")), by=current_user)
    except PaymentMarkError as error:
        db.session.rollback()
        flash(str(error), "info" if isinstance(error, AlreadyUnpaid) else "error")
        return _back(order)
    db.session.commit()
    flash(_("Order #%(number)s is marked unpaid.", number=order.number), "success")
    return _back(order)
