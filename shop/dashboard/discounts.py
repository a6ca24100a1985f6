"""Discounts: the codes a merchant posts, and automatic discounts without a code."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.discount_forms import DiscountForm
from shop.dashboard.noting import noted_whole, whole
from shop.extensions import db
from shop.lib.locales import shop_locale
from shop.lib.money import format_amount_input
from shop.models import ActivityKind, Discount, DiscountKind
from shop.ordering.coupon_edits import DiscountError, save_discount, set_active

DISCOUNT_ID = "<int(max=2147483647):discount_id>"


@bp.get("/discounts")
@shop_required
def discounts():
    shop = current_shop()
    rows = db.session.scalars(
        select(Discount).where(Discount.shop_id == shop.id).order_by(Discount.id.desc())
    ).all()
    return render_template("dashboard/discounts/list.html", shop=shop, discounts=rows)


@bp.route("/discounts/new", methods=["GET", "POST"])
@shop_required
def new_discount():
    return _edit(None)


@bp.route(f"/discounts/{DISCOUNT_ID}/edit", methods=["GET", "POST"])
@shop_required
def edit_discount(discount_id: int):
    return _edit(owned_or_404(Discount, discount_id))


@bp.post(f"/discounts/{DISCOUNT_ID}/toggle")
@shop_required
def toggle_discount(discount_id: int):
    """Pause a discount or offer it again; the form says which, so a double tap is safe."""
    discount = owned_or_404(Discount, discount_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        abort(400)
    before = whole(discount)
    set_active(discount, wanted == "1")
    noted_whole(discount, before, ActivityKind.DISCOUNT, discount.shown_code or discount.name)
    db.session.commit()
    flash(_("Discount saved."), "success")
    return redirect(url_for(".discounts") + f"#discount-{discount.id}")


def _edit(discount: Discount | None):
    shop = current_shop()
    data = _form_data(discount) if discount is not None and request.method == "GET" else None
    form = DiscountForm(shop=shop, data=data)
    if form.validate_on_submit():
        before = whole(discount) if discount is not None else {}
        try:
            saved = save_discount(shop, discount, **form.values())
        except DiscountError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            noted_whole(saved, before, ActivityKind.DISCOUNT, saved.shown_code or saved.name)
            db.session.commit()
            flash(_("Discount saved."), "success")
            return redirect(url_for(".discounts") + f"#discount-{saved.id}")
    example = format_amount_input(1250, shop.currency, shop.currency_exponent, shop_locale(shop))
    page = render_template(
        "dashboard/discounts/form.html", form=form, discount=discount, amount_example=example
    )
    return page, 422 if form.errors or form.form_errors else 200


def _form_data(discount: Discount) -> dict:
    shop = discount.shop
    locale = shop_locale(shop)

    def amount(minor: int | None) -> str:
        return format_amount_input(minor, shop.currency, shop.currency_exponent, locale)

    if discount.kind == DiscountKind.PERCENT:
        value = discount.percent_text
    elif discount.kind == DiscountKind.FIXED:
        value = amount(discount.value)
    else:
        value = ""
    return {
        "code": discount.shown_code,
        "name": discount.name,
        "kind": discount.kind.value,
        "value": value,
        "min_order": amount(discount.min_order_minor),
        "starts_on": discount.starts_on,
        "ends_on": discount.ends_on,
        "max_uses": str(discount.max_uses or ""),
        "max_uses_per_customer": str(discount.max_uses_per_customer or ""),
        "category_ids": discount.category_ids,
        "item_ids": discount.item_ids,
        "active": discount.active,
    }
