"""The merchant's orders: list, detail, moving the status along, and the CSV history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date

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
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from shop.dashboard import order_times
from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.order_news import NewOrdersForm, list_etag, not_modified, order_counts
from shop.extensions import db
from shop.lib.locales import money_locale
from shop.lib.money import format_money
from shop.mail import mail_configured
from shop.models import Order, OrderStatus, Shop, utcnow
from shop.ordering.paid import unpaid_clause
from shop.ordering.statuses import (
    CANCEL_REASONS,
    STATUS_LABELS,
    AlreadyInStatus,
    StatusChangeError,
    action_label,
    allowed_transitions,
    cancel_reason,
    change_status,
    next_step,
    order_label,
    status_changes,
)
from shop.push import push_configured
from shop.shops.exports import order_header, order_rows, write_csv
from shop.whatsapp.updates import update_link, update_message

PER_PAGE = 50
MAX_PAGE = 100_000  # a typed ?page=10**30 must not reach the database as an OFFSET


def _status_filter() -> OrderStatus | None:
    """The ?status= the merchant picked; anything unknown means every order."""
    try:
        return OrderStatus(request.args.get("status", ""))
    except ValueError:
        return None


def _unpaid_filter() -> bool:
    """?paid=no: only orders whose money is still to come."""
    return request.args.get("paid") == "no"


def order_money(minor: int, order: Order) -> str:
    """An amount of the order in the currency it was placed in (the shop may change its own)."""
    return format_money(minor, order.currency, order.currency_exponent, money_locale(order.shop))


def _orders_of(shop: Shop, status: OrderStatus | None, unpaid: bool = False) -> Select:
    stmt = select(Order).where(Order.shop_id == shop.id)
    if status is not None:
        stmt = stmt.where(Order.status == status)
    if unpaid:
        stmt = stmt.where(unpaid_clause())
    return stmt


@bp.get("/orders")
@shop_required
def orders():
    shop = current_shop()
    status, unpaid = _status_filter(), _unpaid_filter()
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    counts, paid, latest = order_counts(shop)
    etag = list_etag(shop, counts, paid, latest)
    unchanged = not_modified(etag)
    if unchanged is not None:
        return unchanged
    unpaid_count = db.session.scalar(
        select(func.count()).select_from(Order).where(Order.shop_id == shop.id, unpaid_clause())
    )
    pagination = db.paginate(
        order_times.apply(_orders_of(shop, status, unpaid), shop, utcnow().replace(tzinfo=UTC)),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )
    response = make_response(
        render_template(
            "dashboard/orders/list.html",
            shop=shop,
            pagination=pagination,
            status=status,
            unpaid=unpaid,
            when=order_times.when_filter(),
            sort_time=order_times.by_time(),
            has_times=order_times.has_times(shop),
            unpaid_count=unpaid_count,
            counts=counts,
            total=sum(counts.values()),
            statuses=list(OrderStatus),
            status_labels=STATUS_LABELS,
            order_label=order_label,
            order_money=order_money,
            next_step=next_step,
            action_label=action_label,
            latest=latest,
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
    changes = order.status_changes
    return changes[-1].note if changes and changes[-1].status == order.status else ""


@bp.get("/orders/<int:order_id>")
@shop_required
def order_detail(order_id: int):
    order = owned_or_404(Order, order_id)
    url, note, tell = _order_url(order), _last_note(order), order.status != OrderStatus.NEW
    return render_template(
        "dashboard/orders/detail.html",
        shop=current_shop(),
        order=order,
        history=status_changes(order),
        actions=[
            (target, action_label(target, order)) for target in allowed_transitions(order.status)
        ],
        order_label=order_label,
        order_money=order_money,
        cancel_reasons=CANCEL_REASONS,
        payment_names=_payment_names(order),
        # What to tell the shopper about where the order is now (none for a new order).
        tell_text=update_message(order, order.shop, order.status, url, note) if tell else "",
        tell_link=update_link(order, order.shop, order.status, url, note) if tell else "",
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
    status, unpaid = _status_filter(), _unpaid_filter()
    stmt = (
        _orders_of(shop, status, unpaid)
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
