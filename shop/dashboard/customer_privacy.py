"""The shop's privacy settings for customers: the public page's text about orders, and
whether customers who stop ordering are forgotten after some months."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.customer_forms import PrivacyForm
from shop.dashboard.noting import noted_whole, whole
from shop.extensions import db
from shop.lib.text import clean_text, whole_number
from shop.models import ActivityKind
from shop.ordering.customer_privacy import default_privacy_text


@bp.route("/customers/privacy", methods=["GET", "POST"])
@shop_required
def customer_privacy():
    shop = current_shop()
    form = PrivacyForm()
    if request.method == "GET":
        form.privacy_text.data = shop.privacy_text
        form.forget_after.data = shop.forget_customers_after_months is not None
        form.months.data = str(shop.forget_customers_after_months or 12)
    elif form.validate_on_submit():
        before = whole(shop)
        shop.privacy_text = clean_text(form.privacy_text.data or "")
        months = whole_number(form.months.data) if form.forget_after.data else None
        shop.forget_customers_after_months = months
        noted_whole(shop, before, ActivityKind.SETTINGS, shop.name)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("dashboard.customer_privacy"), code=303)
    status = 422 if form.errors else 200
    return render_template(
        "dashboard/customers/privacy.html",
        shop=shop,
        form=form,
        default_text=default_privacy_text(shop.name, shop.forget_customers_after_months),
    ), status
