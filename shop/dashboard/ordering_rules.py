"""Ordering rules: minimum order, opening hours and the WhatsApp message texts (the
order message's lines and the updates to the shopper)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted_whole, whole
from shop.dashboard.ordering_rules_forms import DAYS, RulesForm
from shop.extensions import db
from shop.lib import hours
from shop.lib.locales import shop_locale
from shop.lib.money import format_amount_input
from shop.models import ActivityKind
from shop.shops.settings import update_rules
from shop.whatsapp.preview import preview_message, preview_updates
from shop.whatsapp.texts import MessageTextError, check_text
from shop.whatsapp.update_texts import KINDS

SAMPLE_ORDER_URL = "https://vitrina.example/o/…"


@bp.route("/rules", methods=["GET", "POST"])
@shop_required
def ordering_rules():
    shop = current_shop()
    # A form from before these settings existed leaves them as they are.
    own_texts = shop.update_texts or {}
    data = {"ask_phone": shop.ask_phone.value} | {
        f"update_{kind}": own_texts.get(kind, "") for kind in KINDS
    }
    if request.method == "GET":
        data = (
            {
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
            }
            | data
            | {f"day_{day}": hours.day_text(shop.opening_hours, day) for day in DAYS}
        )
    form = RulesForm(shop=shop, data=data)
    if form.validate_on_submit():
        before = whole(shop)
        update_rules(shop, **form.rule_values())
        noted_whole(shop, before, ActivityKind.SETTINGS, shop.name)
        db.session.commit()
        flash(_("Ordering rules saved."), "success")
        return redirect(url_for(".ordering_rules"))
    status = 422 if form.errors or form.form_errors else 200
    preview = preview_message(
        shop, form.greeting.data or "", form.closing.data or "", SAMPLE_ORDER_URL
    )
    # A text with an error previews as the default line until it is put right.
    shown = {kind: form.update_field(kind).data or "" for kind in KINDS}
    shown = {kind: text for kind, text in shown.items() if not form.update_field(kind).errors}
    return render_template(
        "dashboard/rules/rules.html",
        form=form,
        shop=shop,
        preview=preview,
        update_kinds=KINDS,
        update_previews=preview_updates(shop, shown, SAMPLE_ORDER_URL),
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
    for field in ("greeting", "closing", *(f"update_{kind}" for kind in KINDS)):
        value = data.get(field)
        try:
            texts[field] = check_text(value if isinstance(value, str) else "")
        except MessageTextError as error:
            return jsonify(error=str(error), field=field), 422
    own = {kind: texts[f"update_{kind}"] for kind in KINDS if texts[f"update_{kind}"]}
    return jsonify(
        text=preview_message(shop, texts["greeting"], texts["closing"], SAMPLE_ORDER_URL),
        updates=preview_updates(shop, own, SAMPLE_ORDER_URL),
    )
