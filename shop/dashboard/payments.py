"""Payment methods: how the shop gets paid, offered to shoppers at checkout."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted, noted_whole, whole
from shop.dashboard.ordering_rules_forms import PaymentForm
from shop.extensions import db
from shop.models import ActivityKind, PaymentKind, PaymentMethod
from shop.ordering import payments

METHOD_ID = "<int(max=2147483647):payment_id>"


@bp.route("/payments", methods=["GET", "POST"])
@shop_required
def payment_methods():
    """The list, and the form to add one below it."""
    shop = current_shop()
    form = PaymentForm()
    form.offer(payments.offered_kinds(shop))
    if form.validate_on_submit():
        try:
            method = payments.create_method(shop, **form.payment_values())
        except payments.PaymentError as error:
            db.session.rollback()
            _show(form, error)
        else:
            noted_whole(method, {}, ActivityKind.PAYMENT_METHOD, method.name)
            db.session.commit()
            flash(_("Payment method %(name)s added.", name=method.name), "success")
            return redirect(url_for(".payment_methods"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "dashboard/payments/list.html",
        shop=shop,
        methods=shop.payment_methods,
        form=form,
        labels=payments.KIND_LABELS,
        takes_pix=payments.takes_pix(shop),
    ), status


@bp.route(f"/payments/{METHOD_ID}/edit", methods=["GET", "POST"])
@shop_required
def edit_payment_method(payment_id: int):
    method = owned_or_404(PaymentMethod, payment_id)
    data = None
    if request.method == "GET":
        data = {
            "kind": method.kind.value,
            "name": method.name,
            "details": method.details,
            "active": method.active,
        }
        pix = payments.read_pix(method.details) if method.kind == PaymentKind.PIX else None
        if pix is not None:
            data["details"], data["city"] = pix
    form = PaymentForm(data=data)
    kinds = payments.offered_kinds(method.shop)
    if method.kind not in kinds:  # a Pix method of a shop that left reais: keep it editable
        kinds.append(method.kind)
    form.offer(kinds)
    if form.validate_on_submit():
        before = whole(method)
        try:
            payments.update_method(method, **form.payment_values(), active=form.active.data)
        except payments.PaymentError as error:
            db.session.rollback()
            _show(form, error)
        else:
            noted_whole(method, before, ActivityKind.PAYMENT_METHOD, method.name)
            db.session.commit()
            flash(_("Payment method saved."), "success")
            return redirect(url_for(".payment_methods"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "dashboard/payments/edit.html",
        form=form,
        method=method,
        takes_pix=payments.takes_pix(method.shop) or method.kind == PaymentKind.PIX,
    ), status


@bp.post(f"/payments/{METHOD_ID}/delete")
@shop_required
def delete_payment_method(payment_id: int):
    method = owned_or_404(PaymentMethod, payment_id)
    name = method.name
    payments.delete_method(method)
    noted(ActivityKind.PAYMENT_METHOD, name, details={"deleted": True})
    db.session.commit()
    flash(_("Payment method %(name)s removed.", name=name), "success")
    return redirect(url_for(".payment_methods"))


def _show(form: PaymentForm, error: payments.PaymentError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))
