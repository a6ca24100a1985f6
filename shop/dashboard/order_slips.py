"""Order slips to print from the browser: a 58 mm or 80 mm roll (kitchen and counter
printers) or an A4 packing slip, for one order or several picked on the list.

Slips, never invoices: they carry no tax details and no invoice number. The page is
plain HTML with print CSS (`@page` per size); the browser's print dialog does the rest,
so no PDF library and no printer driver is involved.
"""

from __future__ import annotations

import segno
from flask import abort, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.orders import order_money
from shop.extensions import db
from shop.lib.text import MAX_ID
from shop.models import Order
from shop.ordering.statuses import order_label
from shop.web.locale import use_shop_timezone

SIZES = ("58", "80", "a4")
MAX_SLIPS = 100  # a day's orders at a busy counter; more is a mistake, not a print run


def _size() -> str:
    size = request.args.get("size", "80")
    return size if size in SIZES else "80"


def _qr(order: Order) -> str:
    """The shopper's order link as a QR code (an SVG data URI: no request, no file)."""
    link = url_for("storefront.order_page", token=order.token, _external=True)
    return segno.make(link, error="m", micro=False).svg_data_uri(scale=4, border=2)


def _render(orders: list[Order], size: str):
    shop = current_shop()
    use_shop_timezone(shop)
    return render_template(
        "dashboard/orders/slips.html",
        shop=shop,
        orders=orders,
        size=size,
        sizes=SIZES,
        ids=[order.id for order in orders],
        qr=_qr,
        order_label=order_label,
        order_money=order_money,
    )


@bp.get("/orders/<int:order_id>/slip")
@shop_required
def order_slip(order_id: int):
    return _render([owned_or_404(Order, order_id)], _size())


@bp.get("/orders/slips")
@shop_required
def order_slips():
    """Several orders at once (?ids=3&ids=5, from the list's checkboxes), in number order.

    Any id that is not one of this shop's orders is a 404, as for a single one; none at
    all is a page that says to tick some."""
    raw = request.args.getlist("ids")[: MAX_SLIPS + 1]
    if not raw:  # Print pressed with nothing ticked: say so, in the tab it opened
        return _render([], _size())
    if len(raw) > MAX_SLIPS or not all(i.isascii() and i.isdigit() and len(i) <= 12 for i in raw):
        abort(404)
    ids = {int(i) for i in raw}
    if not 0 < min(ids) <= max(ids) <= MAX_ID:
        abort(404)
    shop = current_shop()
    orders = db.session.scalars(
        select(Order)
        .where(Order.shop_id == shop.id, Order.id.in_(ids))
        .order_by(Order.number)
        .options(selectinload(Order.lines))
    ).all()
    if len(orders) != len(ids):
        abort(404)
    return _render(list(orders), _size())
