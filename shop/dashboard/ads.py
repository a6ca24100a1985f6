"""Ads measurement: the merchant's Meta Pixel and Google Analytics 4 ids (issue 23).

Off by default. With an id set, the shop's pages ask each shopper first and load the
pixel only after "Accept" (static/js/consent.js); the page shows what shoppers are told.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted_whole, whole
from shop.extensions import db
from shop.lib.pixels import PixelError, clean_ga4_id, clean_meta_pixel_id
from shop.models import ActivityKind
from shop.shops.settings import set_pixels


def _checked_by(clean):
    """A WTForms validator from one of shop.lib.pixels' checks."""

    def check(form, field) -> None:
        try:
            clean(field.data)
        except PixelError as error:
            raise ValidationError(str(error)) from error

    return check


class AdsForm(FlaskForm):
    meta_pixel_id = StringField(
        _l("Meta Pixel ID (Facebook, Instagram ads)"),
        validators=[_checked_by(clean_meta_pixel_id)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 40},
    )
    ga4_measurement_id = StringField(
        _l("Google Analytics 4 measurement ID"),
        validators=[_checked_by(clean_ga4_id)],
        render_kw={"autocapitalize": "characters", "autocomplete": "off", "maxlength": 40},
    )


@bp.route("/ads", methods=["GET", "POST"])
@shop_required
def ads():
    """Turn the pixels on or off; empty fields turn them off."""
    shop = current_shop()
    form = AdsForm(
        data={"meta_pixel_id": shop.meta_pixel_id, "ga4_measurement_id": shop.ga4_measurement_id}
    )
    if form.validate_on_submit():
        before = whole(shop)
        changed = set_pixels(
            shop,
            meta_pixel_id=form.meta_pixel_id.data,
            ga4_measurement_id=form.ga4_measurement_id.data,
        )
        noted_whole(shop, before, ActivityKind.SETTINGS, shop.name)
        db.session.commit()
        flash(_("Ads measurement saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for(".ads"))
    status = 422 if form.errors else 200
    return render_template("dashboard/ads.html", form=form, shop=shop), status
