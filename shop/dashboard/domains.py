"""The shop at its own address: adding a domain, the DNS record to create, its state
and a "check now" button (the rules are in shop.shops.domains)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted
from shop.extensions import db
from shop.models import ActivityKind, ShopDomain
from shop.shops.domains import (
    DomainError,
    DomainNameError,
    add_domain,
    check_domain,
    remove_domain,
)

NAME_ERRORS = {
    "wildcard": _l("Type one name, without *: for example tienda.example.com."),
    "ip-address": _l("Type a name, not an IP address: for example tienda.example.com."),
    "port": _l("Type the name without a port (no “:” and number)."),
    "own-domain": _l("That name belongs to this service; type a domain of your own."),
    "taken": _l("Another shop already uses this domain."),
    "has-one": _l("Your shop already has a domain: remove it first."),
}


class DomainForm(FlaskForm):
    name = StringField(
        _l("Your domain"),
        validators=[DataRequired(), Length(max=253)],
        render_kw={
            "autocapitalize": "none",
            "autocomplete": "off",
            "spellcheck": "false",
            "inputmode": "url",
            "maxlength": 253,
        },
    )


def server_name() -> str:
    """The name a merchant's CNAME points to: this server's main host."""
    config = current_app.config
    if config.get("APP_URL"):
        return urlsplit(config["APP_URL"]).hostname or ""
    return config.get("SHOP_DOMAIN") or config.get("SERVER_NAME") or ""


def own_domain_or_404(domain_id: int) -> ShopDomain:
    if not 0 < domain_id < 2**63:  # past the database's integers: no such row
        abort(404)
    domain = db.session.get(ShopDomain, domain_id)
    if domain is None or domain.shop_id != current_shop().id:
        abort(404)
    return domain


@bp.route("/domain", methods=["GET", "POST"])
@shop_required
def domain():
    """The shop's domain: the form to add one, or the one it has and its state."""
    shop = current_shop()
    current = db.session.scalar(select(ShopDomain).where(ShopDomain.shop_id == shop.id))
    form = DomainForm()
    if current is None and form.validate_on_submit():
        try:
            add_domain(shop, form.name.data)
        except (DomainError, DomainNameError) as error:
            form.name.errors.append(NAME_ERRORS.get(error.reason, _l("That is not a domain name.")))
        else:
            noted(ActivityKind.SETTINGS, shop.name, details={"domain": [None, form.name.data]})
            db.session.commit()
            flash(_("Domain added. Create the DNS record below, then check it."), "success")
            return redirect(url_for(".domain"))
    status = 422 if form.errors else 200
    return render_template(
        "dashboard/domain.html",
        form=form,
        shop=shop,
        current=current,
        target=server_name(),
        checked_at=_when(current and current.checked_at),
        failing_since=_when(current and current.failing_since),
    ), status


def _when(moment) -> str:
    return format_datetime(moment, "short") if moment else ""


@bp.post("/domain/<int(max=2147483647):domain_id>/check")
@shop_required
def check_domain_now(domain_id: int):
    """Check the domain now rather than at the next periodic check."""
    if check_domain(own_domain_or_404(domain_id)):
        flash(_("Your domain is live."), "success")
    else:
        flash(_("The check did not pass yet: see what to do below."), "error")
    return redirect(url_for(".domain"))


@bp.post("/domain/<int(max=2147483647):domain_id>/remove")
@shop_required
def remove_domain_now(domain_id: int):
    """Forget the domain: the shop stops answering there at once."""
    name = own_domain_or_404(domain_id).name
    remove_domain(current_shop())
    noted(ActivityKind.SETTINGS, current_shop().name, details={"domain": [name, None]})
    db.session.commit()
    flash(_("Domain removed. Your shop's usual link keeps working."), "success")
    return redirect(url_for(".domain"))
