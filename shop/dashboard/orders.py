"""The merchant's orders: list, detail, moving the status along, and the CSV history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import (
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from shop.dashboard import order_times
from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.order_news import NewOrdersForm, list_etag, not_modified
from shop.extensions import db
from shop.lib.locales import money_locale
from shop.lib.money import format_money
from shop.mail import mail_configured
from shop.models import Order, OrderStatus, utcnow
from shop.ordering.customers import is_returning
from shop.ordering.order_list import (
    PER_PAGE,
    filtered,
    list_counts,
    page_of,
    read_filters,
    time_page_of,
)
from shop.ordering.statuses import (
    CANCEL_REASONS,
    STATUS_LABELS,
    AlreadyInStatus,
    StatusChangeError,
    action_label,
    allowed_transitions,
    cancel_reason,
    change_status,
    is_final,
    next_step,
    order_label,
    status_changes,
)
from shop.push import push_configured
from shop.shops.exports import order_header, order_rows, write_csv
from shop.whatsapp.updates import changed_link, changed_message, update_link, update_message


def order_money(minor: int, order: Order) -> str:
    """An amount of the order in the currency it was placed in (the shop may change its own)."""
    return format_money(minor, order.currency, order.currency_exponent, money_locale(order.shop))


@bp.get("/orders")
@shop_required
def orders():
    """The orders, newest first, filtered and searched, a keyset page at a time: four
    statements whatever the number of orders (the counts the database keeps, the page,
    the shop's payment and shipping methods for the filters)."""
    shop = current_shop()
    filters = read_filters(request.args)
    tally = list_counts(shop)
    etag = list_etag(shop, tally)
    # "Today" and "tomorrow" move with the clock, not with the orders: never a 304.
    unchanged = not_modified(etag) if order_times.when_filter() is None else None
    if unchanged is not None:
        return unchanged
    more_by_time = False
    if order_times.by_time():
        page, more_by_time = time_page_of(shop, filters, order_times.arrange(shop, utcnow()))
        next_before = None
    else:
        # ORDERS_PER_PAGE: a setting only the benchmark changes (the same rows per page
        # at every size, so the comparison is of the database, not of the page's length).
        per_page = current_app.config.get("ORDERS_PER_PAGE", PER_PAGE)
        page, next_before = page_of(shop, filters, per_page)
    methods = list(dict.fromkeys(m.name for m in shop.payment_methods))
    if filters.method and filters.method not in methods:
        methods.append(filters.method)
    response = make_response(
        render_template(
            "dashboard/orders/list.html",
            shop=shop,
            page=page,
            next_before=next_before,
            filters=filters,
            status=filters.status,
            unpaid=filters.unpaid,
            methods=methods,
            shipping_methods=shop.shipping_methods,
            when=order_times.when_filter(),
            sort_time=order_times.by_time(),
            more_by_time=more_by_time,
            has_times=order_times.has_times(page),
            unpaid_count=tally.unpaid,
            counts=tally.counts,
            total=tally.total,
            statuses=list(OrderStatus),
            status_labels=STATUS_LABELS,
            order_label=order_label,
            order_money=order_money,
            next_step=next_step,
            action_label=action_label,
            latest=tally.latest,
            now=utcnow(),
            etag=f'W/"{etag}"',  # as the page sends it back in If-None-Match
            news_form=NewOrdersForm(obj=shop),
            mail_ready=mail_configured(),
            push_key=current_app.config["VAPID_PUBLIC_KEY"] if push_configured() else "",
        )
    )
    response.set_etag(etag, weak=True)
    return response


def _order_url(order: Order) -> str:
    return url_for("storefront.order_page", token=order.token, _external=True)


def _last_note(order: Order) -> str:
    moves = [change for change in order.status_changes if change.is_move]
    return moves[-1].note if moves and moves[-1].status == order.status else ""


@bp.get("/orders/<int:order_id>")
@shop_required
def order_detail(order_id: int):
    order = owned_or_404(Order, order_id)
    url, note, tell = _order_url(order), _last_note(order), order.status != OrderStatus.NEW
    history = status_changes(order)
    if history[-1].is_edit:  # the latest news is a change: tell the new total
        tell_text = changed_message(order, order.shop, url)
        tell_link = changed_link(order, order.shop, url)
    elif tell:
        tell_text = update_message(order, order.shop, order.status, url, note)
        tell_link = update_link(order, order.shop, order.status, url, note)
    else:
        tell_text = tell_link = ""
    return render_template(
        "dashboard/orders/detail.html",
        shop=current_shop(),
        order=order,
        history=history,
        editable=not is_final(order),
        returning=is_returning(order),
        actions=[
            (target, action_label(target, order)) for target in allowed_transitions(order.status)
        ],
        order_label=order_label,
        order_money=order_money,
        cancel_reasons=CANCEL_REASONS,
        payment_names=_payment_names(order),
        # What to tell the shopper about the latest news (none for a new order).
        tell_text=tell_text,
        tell_link=tell_link,
    )


def _payment_names(order: Order) -> list[str]:
    """Suggestions for "paid by": the shopper's pick first, then the shop's methods."""
    names = [order.payment_name] + [m.name for m in order.shop.payment_methods]
    return list(dict.fromkeys(name for name in names if name))


@bp.post("/orders/<int:order_id>/status")
@shop_required
def change_order_status(order_id: int):
    """Move the order along, then open WhatsApp to the shopper with the news typed in
    (the order page shows the text to copy when the shopper left no number).

    A repeated or stale click changes nothing, says so, and opens nothing.
    """
    order = owned_or_404(Order, order_id)
    target = request.form.get("status", "")
    note = ""
    if target == OrderStatus.CANCELLED:
        note = cancel_reason(order, request.form.get("reason", ""), request.form.get("note", ""))
    back = (
        url_for("dashboard.orders")
        if request.form.get("back") == "list"
        else url_for("dashboard.order_detail", order_id=order_id)
    )
    try:
        change_status(order, target, by=current_user, note=note)
    except AlreadyInStatus as error:
        flash(str(error), "info")
        return redirect(back, code=303)
    except StatusChangeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back, code=303)
    db.session.commit()
    flash(
        _(
            "Order #%(number)s is now %(status)s.",
            number=order.number,
            status=order_label(order).lower(),
        ),
        "success",
    )
    link = update_link(order, order.shop, order.status, _order_url(order), note)
    if link:
        return redirect(link, code=303)
    return redirect(url_for("dashboard.order_detail", order_id=order_id, _anchor="tell"), code=303)


@bp.get("/orders.csv")
@shop_required
def orders_csv():
    """The order history, one row per line, honouring the filters of the page."""
    shop = current_shop()
    filters = read_filters(request.args)
    status, unpaid = filters.status, filters.unpaid
    stmt = (
        filtered(shop, filters)
        .order_by(Order.number)
        .options(selectinload(Order.lines))
        .execution_options(yield_per=500)
    )
    orders = db.session.scalars(stmt)
    suffix = (f"-{status.value}" if status else "") + ("-unpaid" if unpaid else "")
    filename = f"orders-{shop.slug}{suffix}-{date.today().isoformat()}.csv"
    return csv_response(write_csv(order_header(), order_rows(orders), bom=True), filename)


def csv_response(chunks: Iterable[str], filename: str) -> Response:
    """A CSV download.

    Built whole rather than streamed: a streamed body would outlive the request's
    database session (its rows are read lazily), and a shop's history is megabytes at most.
    """
    return Response(
        "".join(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
