"""Delivery zones of a shipping method, the shop's location distances start from, and
the method's pickup or delivery times."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted, noted_whole, whole
from shop.dashboard.zone_forms import LocationForm, TimesForm, ZoneForm
from shop.extensions import db
from shop.models import ActivityKind, ShippingMethod, ShippingZone
from shop.ordering import zone_edits

METHOD_ID = "<int(max=2147483647):method_id>"
ZONE_ID = "<int(max=2147483647):zone_id>"


@bp.route(f"/shipping/{METHOD_ID}/zones", methods=["GET", "POST"])
@shop_required
def shipping_zones(method_id: int):
    """The method's zones, and the form that adds one."""
    method = owned_or_404(ShippingMethod, method_id)
    form = ZoneForm(shop=current_shop())
    if form.validate_on_submit():
        values = form.zone_values()
        if _same_zone(method, values) is not None:  # the form sent twice: already there
            return redirect(url_for(".shipping_zones", method_id=method.id))
        try:
            zone_edits.save_zone(method, None, **values)
        except zone_edits.ZoneError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            noted(ActivityKind.SHIPPING, method.name, details={"zone": [None, values["name"]]})
            db.session.commit()
            flash(_("Zone added."), "success")
            return redirect(url_for(".shipping_zones", method_id=method.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "dashboard/shipping/zones.html", method=method, form=form, shop=current_shop()
    ), status


@bp.route(f"/shipping/zones/{ZONE_ID}/edit", methods=["GET", "POST"])
@shop_required
def edit_shipping_zone(zone_id: int):
    zone = owned_or_404(ShippingZone, zone_id)
    shop = current_shop()
    data = ZoneForm.data_of(zone, shop) if request.method == "GET" else None
    form = ZoneForm(shop=shop, data=data)
    if form.validate_on_submit():
        before = whole(zone)
        try:
            zone_edits.save_zone(zone.method, zone, **form.zone_values())
        except zone_edits.ZoneError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            noted_whole(zone, before, ActivityKind.SHIPPING, f"{zone.method.name}: {zone.name}")
            db.session.commit()
            flash(_("Zone saved."), "success")
            return redirect(url_for(".shipping_zones", method_id=zone.method_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("dashboard/shipping/zone_form.html", zone=zone, form=form), status


@bp.post(f"/shipping/zones/{ZONE_ID}/delete")
@shop_required
def delete_shipping_zone(zone_id: int):
    zone = owned_or_404(ShippingZone, zone_id)
    method_id, names = zone.method_id, [zone.method.name, zone.name]
    try:
        zone_edits.delete_zone(zone)
    except zone_edits.ZoneError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        noted(ActivityKind.SHIPPING, names[0], details={"zone": [names[1], None]})
        db.session.commit()
        flash(_("Zone deleted."), "success")
    return redirect(url_for(".shipping_zones", method_id=method_id))


@bp.route("/shipping/location", methods=["GET", "POST"])
@shop_required
def shop_location():
    """Where distances are measured from: typed, or the browser's "I am at the shop now"."""
    shop = current_shop()
    data = None
    if request.method == "GET" and shop.latitude is not None:
        data = {"latitude": f"{shop.latitude:.6f}", "longitude": f"{shop.longitude:.6f}"}
    form = LocationForm(data=data)
    if form.validate_on_submit():
        before = whole(shop)
        try:
            zone_edits.set_location(shop, form.latitude.data.strip(), form.longitude.data.strip())
        except zone_edits.ZoneError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            noted_whole(shop, before, ActivityKind.SHIPPING, shop.name)
            db.session.commit()
            flash(_("Shop location saved."), "success")
            return redirect(url_for(".shipping_methods"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("dashboard/shipping/location.html", form=form, shop=shop), status


@bp.route(f"/shipping/{METHOD_ID}/times", methods=["GET", "POST"])
@shop_required
def shipping_times(method_id: int):
    """Whether shoppers pick a pickup or delivery time for this method, and which."""
    method = owned_or_404(ShippingMethod, method_id)
    form = TimesForm(obj=method if request.method == "GET" else None)
    if request.method == "GET":
        form.slot_minutes.data = str(method.slot_minutes)
        form.lead_minutes.data = str(method.lead_minutes)
    if form.validate_on_submit():
        before = whole(method)
        for name, value in form.values().items():
            setattr(method, name, value)
        noted_whole(method, before, ActivityKind.SHIPPING, method.name)
        db.session.commit()
        flash(_("Times saved."), "success")
        return redirect(url_for(".shipping_methods") + f"#method-{method.id}")
    status = 422 if form.errors else 200
    return render_template("dashboard/shipping/times.html", method=method, form=form), status


def _same_zone(method: ShippingMethod, values: dict) -> ShippingZone | None:
    return next(
        (
            zone
            for zone in method.zones
            if zone.kind == values["kind"]
            and zone.name == values["name"]
            and zone.fee_minor == values["fee_minor"]
            and zone.max_m == values["max_m"]
            and zone.codes == ", ".join(zone_edits.parse_codes(values["codes"]))
        ),
        None,
    )
