"""The merchant's customers: the list, a customer's page, note and tags, merging,
deleting (their personal data leaves the orders), and the CSV."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.dashboard.access import current_shop, owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.customer_forms import CustomerDetailsForm, DeleteCustomerForm, MergeForm
from shop.dashboard.orders import csv_response, order_money
from shop.extensions import db
from shop.lib.text import clean_line, whole_number
from shop.models import Customer
from shop.ordering.customer_privacy import forget_customer
from shop.ordering.customers import (
    CustomerError,
    customers_page,
    merge,
    merge_choices,
    orders_of,
    save_details,
    totals_of,
)
from shop.ordering.statuses import order_label
from shop.shops.customer_exports import customer_csv_rows, customer_header
from shop.shops.exports import write_csv
from shop.whatsapp.message import wa_link

MAX_PAGE = 10_000
CUSTOMER_ORDERS = 100  # the newest; the orders list filtered by customer shows them all


def _query() -> str:
    return clean_line(request.args.get("q"))[:100]


@bp.get("/customers")
@shop_required
def customers():
    shop = current_shop()
    query = _query()
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    rows, more = customers_page(shop, query, page)
    return render_template(
        "dashboard/customers/list.html",
        shop=shop,
        rows=rows,
        more=more,
        page=page,
        query=query,
    )


def _customer_or_404(customer_id: int) -> Customer:
    return owned_or_404(Customer, customer_id)


@bp.get("/customers/<int:customer_id>")
@shop_required
def customer_detail(customer_id: int):
    customer = _customer_or_404(customer_id)
    if customer.merged_into_id is not None:
        return redirect(url_for("dashboard.customer_detail", customer_id=customer.merged_into_id))
    shop = current_shop()
    query = _query()
    orders = db.session.scalars(orders_of(customer).limit(CUSTOMER_ORDERS)).all()
    return render_template(
        "dashboard/customers/detail.html",
        shop=shop,
        customer=customer,
        totals=totals_of([customer.id]).get(customer.id),
        orders=orders,
        order_money=order_money,
        order_label=order_label,
        chat_link=wa_link(customer.phone.lstrip("+"), "") if customer.phone else "",
        details_form=CustomerDetailsForm(obj=customer),
        merge_form=MergeForm(),
        delete_form=DeleteCustomerForm(),
        query=query,
        choices=merge_choices(customer, query),
    )


@bp.post("/customers/<int:customer_id>/details")
@shop_required
def save_customer(customer_id: int):
    customer = _customer_or_404(customer_id)
    form = CustomerDetailsForm()
    try:
        if not form.validate_on_submit():
            raise CustomerError(_("Check the note and the tags."))
        save_details(customer, form.note.data, form.tags.data)
    except CustomerError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("dashboard.customer_detail", customer_id=customer_id), code=303)


@bp.post("/customers/<int:customer_id>/merge")
@shop_required
def merge_customer(customer_id: int):
    """Make the chosen customer part of this one (a second submit is told it was done)."""
    keep = _customer_or_404(customer_id)
    form = MergeForm()
    if not form.validate_on_submit():
        flash(_("Choose a customer from the list."), "error")
        return redirect(url_for("dashboard.customer_detail", customer_id=customer_id), code=303)
    other = _customer_or_404(whole_number(form.other.data) or 0)
    try:
        moved = merge(keep, other)
    except CustomerError as error:
        db.session.rollback()
        flash(str(error), "info")
    else:
        db.session.commit()
        flash(
            _("%(name)s is now part of this customer (%(count)d orders moved).",
              name=other.name, count=moved),
            "success",
        )  # fmt: skip
    return redirect(url_for("dashboard.customer_detail", customer_id=keep.id), code=303)


@bp.post("/customers/<int:customer_id>/delete")
@shop_required
def delete_customer(customer_id: int):
    """Wipe who they are from their orders (lines and totals stay) and forget them."""
    customer = _customer_or_404(customer_id)
    if customer.merged_into_id is not None:
        abort(404)
    form = DeleteCustomerForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm."), "error")
        return redirect(url_for("dashboard.customer_detail", customer_id=customer_id), code=303)
    count = forget_customer(customer)
    db.session.commit()
    flash(
        _("The customer was deleted and their personal data removed from %(count)d orders.",
          count=count),
        "success",
    )  # fmt: skip
    return redirect(url_for("dashboard.customers"), code=303)


@bp.get("/customers.csv")
@shop_required
def customers_csv():
    shop = current_shop()
    filename = f"customers-{shop.slug}-{date.today().isoformat()}.csv"
    return csv_response(write_csv(customer_header(), customer_csv_rows(shop), bom=True), filename)
