"""Operator pages: find any shop, suspend it with a reason, lift the suspension."""

from __future__ import annotations

from datetime import UTC

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.analytics.platform import platform_totals
from shop.extensions import db
from shop.lib import clock
from shop.lib.text import MAX_ID
from shop.models import Shop
from shop.operator.blueprint import bp
from shop.operator.forms import LiftForm, SuspendForm
from shop.shops import suspension


def shop_or_404(shop_id: int) -> Shop:
    shop = db.session.get(Shop, shop_id) if 0 < shop_id <= MAX_ID else None
    if shop is None:
        abort(404)
    return shop


@bp.get("/")
def shops():
    """Every shop, newest first; search by link, name, owner's e-mail or number."""
    query = request.args.get("q", "")
    status = request.args.get("status", "all")
    if status not in suspension.STATUSES:
        status = "all"
    page_number = request.args.get("page", 1, type=int)
    page = suspension.find_shops(query, status, page_number)

    def page_url(number: int) -> str:
        return url_for(".shops", q=query or None, status=status, page=number)

    return render_template(
        "operator/shops.html",
        page=page,
        query=query,
        status=status,
        page_url=page_url,
        platform=platform_totals(clock.now().astimezone(UTC).date()),
    )


@bp.get("/shops/<int:shop_id>")
def shop(shop_id: int):
    shop = shop_or_404(shop_id)
    return _shop_page(shop, SuspendForm(reason=shop.suspension_reason or None))


@bp.post("/shops/<int:shop_id>/suspend")
def suspend(shop_id: int):
    shop = shop_or_404(shop_id)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _shop_page(shop, form), 422
    if suspension.suspend_shop(shop, current_user, form.reason.data):
        db.session.commit()
        current_app.logger.info(
            "Shop %s (%s) suspended by operator %s", shop.id, shop.slug, current_user.id
        )
    flash(_("The shop %(slug)s is suspended.", slug=shop.slug), "success")
    return redirect(url_for(".shop", shop_id=shop.id), code=303)


@bp.post("/shops/<int:shop_id>/lift")
def lift(shop_id: int):
    shop = shop_or_404(shop_id)
    if not LiftForm().validate_on_submit():
        abort(400)
    if suspension.lift_suspension(shop):
        db.session.commit()
        current_app.logger.info(
            "Shop %s (%s) suspension lifted by operator %s", shop.id, shop.slug, current_user.id
        )
    flash(_("The shop %(slug)s is open again.", slug=shop.slug), "success")
    return redirect(url_for(".shop", shop_id=shop.id), code=303)


def _shop_page(shop: Shop, form: SuspendForm):
    return render_template("operator/shop.html", shop=shop, form=form, lift_form=LiftForm())
