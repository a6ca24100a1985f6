"""New orders noticed: the open orders page asks for news with a conditional request
(its ETag), and the merchant's settings for it (the highlight of orders still new, an
e-mail per new order).

The check reads the few counts the database keeps per shop (one small query) and,
while nothing moved, answers a 304 with no body: a sync worker answers it in a
millisecond and is never held open waiting for news.
"""

from __future__ import annotations

import hashlib

from flask import Response, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import ValidationError

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted_whole, whole
from shop.extensions import db
from shop.models import ActivityKind, Shop
from shop.ordering.order_list import Tally

STALE_MAX = 24 * 60  # a day: longer is "never" in practice


def list_etag(shop: Shop, tally: Tally) -> str:
    """What the orders list shows, in a few characters: a new order, any status move, any
    paid mark and any edit change it (for this page, filter and language). Read from the
    counts the database keeps (order_list.list_counts): no query of its own."""
    seen = sorted((str(status), n) for status, n in tally.counts.items())
    key = (
        f"{shop.id}|{tally.latest}|{tally.changes}|{tally.paid}|{seen}"
        f"|{shop.stale_after_minutes}|{get_locale()}"
    )
    key += f"|{request.full_path}"
    return "l" + hashlib.sha256(key.encode()).hexdigest()[:20]


def not_modified(etag: str) -> Response | None:
    """A 304 for the page's own check (orders-live.js) when nothing moved."""
    if not request.if_none_match.contains_weak(etag):
        return None
    unchanged = Response(status=304)
    unchanged.set_etag(etag, weak=True)
    return unchanged


def _minutes(form, field) -> None:
    """0 to a day. Compared as integers: WTForms' NumberRange turns the number into a
    float first, which a typed 400-digit number overflows."""
    if field.data is None or not 0 <= field.data <= STALE_MAX:
        raise ValidationError(_("Write a number of minutes from 0 to %(max)d.", max=STALE_MAX))


class NewOrdersForm(FlaskForm):
    stale_after_minutes = IntegerField(
        _l("Highlight orders still new after (minutes, 0 = never)"), validators=[_minutes]
    )
    email_new_orders = BooleanField(_l("E-mail me each new order"))


@bp.post("/orders/news")
@shop_required
def order_news_settings():
    shop = current_shop()
    form = NewOrdersForm()
    if not form.validate_on_submit():
        flash(_("Write a number of minutes from 0 to %(max)d.", max=STALE_MAX), "error")
        return redirect(url_for("dashboard.orders"), code=303)
    before = whole(shop)
    shop.stale_after_minutes = form.stale_after_minutes.data
    shop.email_new_orders = form.email_new_orders.data
    noted_whole(shop, before, ActivityKind.SETTINGS, shop.name)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("dashboard.orders"), code=303)
