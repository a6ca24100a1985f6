"""Ordering rules: minimum order, opening hours and the WhatsApp message texts."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.ordering_rules_forms import DAYS, RulesForm
from shop.extensions import db
from shop.lib import hours
from shop.lib.locales import shop_locale
from shop.lib.money import format_amount_input
from shop.shops.settings import update_rules
from shop.whatsapp.preview import preview_message
from shop.whatsapp.texts import MessageTextError, check_text

SAMPLE_ORDER_URL = "https://vitrina.example/o/…"


@bp.route("/rules", methods=["GET", "POST"])
@shop_required
def ordering_rules():
    shop = current_shop()
    # A form from before the setting existed leaves it as it is.
    data = {"ask_phone": shop.ask_phone.value}
    if request.method == "GET":
        data = {
            "min_order": format_amount_input(
                shop.min_order_minor, shop.currency, shop.currency_exponent, shop_locale(shop)
            )
            if shop.min_order_minor
            else "",
            "time_zone": hours.shop_zone(shop),
            "closed_policy": shop.closed_policy.value,
            "greeting": shop.greeting_text,
            "closing": shop.closing_text,
            "ask_phone": shop.ask_phone.value,
        } | {f"day_{day}": hours.day_text(shop.opening_hours, day) for day in DAYS}
    form = RulesForm(shop=shop, data=data)
    if form.validate_on_submit():
        update_rules(shop, **form.rule_values())
        db.session.commit()
        flash(_("Ordering rules saved."), "success")
        return redirect(url_for(".ordering_rules"))
    status = 422 if form.errors or form.form_errors else 200
    preview = preview_message(
        shop, form.greeting.data or "", form.closing.data or "", SAMPLE_ORDER_URL
    )
    return render_template(
        "dashboard/rules/rules.html", form=form, shop=shop, preview=preview
    ), status


@bp.post("/rules/preview")
@shop_required
def message_preview():
    """The sample message for the texts being typed (JSON for the live preview)."""
    shop = current_shop()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error=_("Something went wrong. Reload the page.")), 400
    texts = {}
    for field in ("greeting", "closing"):
        value = data.get(field)
        try:
            texts[field] = check_text(value if isinstance(value, str) else "")
        except MessageTextError as error:
            return jsonify(error=str(error), field=field), 422
    return jsonify(
        text=preview_message(shop, texts["greeting"], texts["closing"], SAMPLE_ORDER_URL)
    )
