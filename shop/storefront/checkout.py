"""Checkout: the cart becomes an order, and the shopper goes on to WhatsApp.

Why there is no CSRF token here: a token needs a session cookie, and public pages
carry none so that they can be cached for everyone. Checkout also uses no ambient
authority: shoppers are anonymous, so a forged request could only place an order
anyone can place directly. What a token would still stop, another site making its
visitors' browsers post orders, is stopped by the Origin and Sec-Fetch-Site headers
every current browser sends (same site only); duplicates are stopped by the
idempotency key the page sends with each cart.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from itertools import zip_longest

from flask import current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from shop import ordering
from shop.catalog.availability import item_sold_out, sold_out_keys
from shop.extensions import csrf, db
from shop.lib import clock
from shop.lib.in_app import in_app_browser
from shop.lib.text import whole_number
from shop.models import Availability, Item, Order, Shop
from shop.ordering import Customer, OrderError, ShopPaused, ShopUnavailable
from shop.ordering.new_order_mail import mail_new_order
from shop.ordering.new_order_push import push_new_order
from shop.ordering.payments import active_methods
from shop.ordering.repeats import repeat_of
from shop.ordering.rules import ShopClosed
from shop.ordering.zones import Where
from shop.push import push_configured
from shop.storefront.blueprint import bp
from shop.storefront.hosts import main_host_url
from shop.storefront.loading import shop_or_404, visible_item_or_404
from shop.storefront.ordering_info import checkout_rules
from shop.storefront.unavailable import unavailable_response
from shop.web import limits
from shop.web.caching import private
from shop.web.errors import render_error
from shop.web.origins import same_site_request
from shop.web.translating import gettext as _
from shop.whatsapp import message as whatsapp


@dataclass
class Submission:
    """What the shopper sent, as sent: checked by shop.ordering.checkout, echoed back on errors."""

    lines: list[tuple] = field(default_factory=list)  # (item id, quantity, choice ids)
    shipping: object = None
    name: str = ""
    address: str = ""
    notes: str = ""
    phone: str = ""
    key: object = None
    payment: object = None
    coupon: str = ""  # the discount code as typed ("" = none); checked by shop.ordering.coupons
    again: bool = False  # the explicit "order again": the repeat rule does not apply
    # Where the shopper is, for a method's delivery zones (shop.ordering.zones): a zone
    # picked from the list, a postal code, or the browser's location; checked there.
    where: Where = field(default_factory=Where)
    slot: object = None  # the pickup or delivery time's key (shop.ordering.slots)


@bp.post("/s/<slug>/checkout")
@csrf.exempt
@limits.checkout
def checkout(slug: str):
    """Record the order and send the shopper to WhatsApp (JSON for the cart script).

    The body is at most shop.web.limits.CHECKOUT_MAX_BYTES, checked before this runs."""
    shop = shop_or_404(slug, redirect_old=False, allow_suspended=True, logo=False)
    wants_json = request.is_json
    if not same_site_request():
        return _refuse(shop, Submission(), _forbidden(), 403, wants_json)
    submission = _read_json() if wants_json else _read_form(shop)
    if submission is None:
        return _refuse(shop, Submission(), OrderError(_unreadable()), 400, wants_json)
    try:
        # The form's key may be new after Back: the same order minutes ago is this one.
        repeat_rule = not (wants_json or submission.again)
        order, created = place(shop, submission, same_as_recent=repeat_rule)
    except ShopPaused as error:
        return _refuse(shop, submission, error, 409, wants_json)
    except ShopUnavailable as error:
        return _refuse(shop, submission, error, 403, wants_json)
    except OrderError as error:
        return _refuse(shop, submission, error, 422, wants_json)
    if created:  # issue 17: the merchant's e-mail and Web Push per new order, when on
        _tell_merchant(order, shop)
    # The message's link is the merchant's, in the shop's language; the shopper's own
    # way to the order page keeps the language they picked.
    order_url = url_for("storefront.order_page", token=order.token, lang=None, _external=True)
    whatsapp_url = whatsapp.order_link(order, shop, order_url)
    shopper_url = url_for("storefront.order_page", token=order.token, _external=True)
    in_app = in_app_browser(request.headers.get("User-Agent")) is not None
    if wants_json:
        # A retry gets the same answer as the first try. The script goes on to `next`:
        # WhatsApp, or in an app's own browser the order page (WhatsApp first, then
        # ways that work when wa.me does not open there).
        return private(
            jsonify(
                number=order.number,
                order_url=shopper_url,
                whatsapp_url=whatsapp_url,
                next=shopper_url if in_app else whatsapp_url,
            )
        )
    if not created:  # sent again (Back, reload, a second tap): the order already placed
        repeated = url_for("storefront.order_page", token=order.token, repeated=1, _external=True)
        return private(redirect(repeated, code=303))
    return private(redirect(shopper_url if in_app else whatsapp_url, code=303))


@bp.get("/s/<slug>/p/<int(max=2147483647):item_id>/order")
def product_checkout(slug: str, item_id: int):
    """Order one product without JavaScript: a server-rendered checkout form."""
    shop = shop_or_404(slug)
    item = visible_item_or_404(shop, item_id)
    quantity = whole_number(request.args.get("quantity", "1"))
    if quantity is None or not 1 <= quantity <= ordering.MAX_QUANTITY:
        quantity = 1
    submission = Submission(lines=[(item.id, quantity, _form_choices(request.args))])
    return private(_product_form(shop, item, submission, None))


def place(shop: Shop, submission: Submission, same_as_recent: bool = False) -> tuple[Order, bool]:
    """Place the order and commit; (order, created). A key already used returns its
    order instead, and so does the same order placed minutes ago with `same_as_recent`.

    Two requests with the same key can race past the first look-up; the unique
    (shop, key) constraint then refuses the second insert, and we answer with the
    order that won.
    """
    customer = Customer(
        name=submission.name,
        address=submission.address,
        notes=submission.notes,
        phone=submission.phone,
    )
    try:
        order, created = ordering.checkout(
            shop,
            submission.lines,
            shipping_method_id=submission.shipping,
            customer=customer,
            idempotency_key=submission.key,
            payment_method_id=submission.payment,
            now=clock.now(),
            same_as_recent=same_as_recent,
            coupon_code=submission.coupon[:100],
            where=submission.where,
            slot=submission.slot,
        )
        _commit_keeping_loaded()
    except OrderError:
        db.session.rollback()  # stock taken for earlier lines, the order number: all back
        raise
    except IntegrityError as error:
        db.session.rollback()
        created = False
        order = ordering.find_order(shop, ordering.check_idempotency_key(submission.key))
        if order is None:
            # Not our key: the catalog changed under us (an item deleted this instant).
            current_app.logger.warning("Checkout refused by the database: %s", error.orig)
            raise OrderError(
                _("The shop changed while you were ordering. Please try again.")
            ) from None
    return order, created


def _tell_merchant(order: Order, shop: Shop) -> None:
    """The new order's e-mail and Web Push, each when it may be sent: their links to the
    dashboard are built only then (two url_for calls most checkouts do not need)."""
    if shop.email_new_orders:
        mail_new_order(order, shop, main_host_url("dashboard.order_detail", order_id=order.id))
    if push_configured():
        push_new_order(order, shop, url_for("dashboard.order_detail", order_id=order.id))


def _commit_keeping_loaded() -> None:
    """Commit, keeping what was just written loaded: the answer (number, link, the
    WhatsApp message) is built from it, not read back in three more statements."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _read_json() -> Submission | None:
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("lines", []), list):
        return None
    lines = [
        (line.get("item_id"), line.get("quantity"), line.get("choices"))
        if isinstance(line, dict)
        else (None, None)
        for line in data.get("lines", [])
    ]
    return Submission(
        lines=lines,
        shipping=data.get("shipping_method_id"),
        name=_text(data.get("name")),
        address=_text(data.get("address")),
        notes=_text(data.get("notes")),
        phone=_text(data.get("phone")),
        key=data.get("idempotency_key"),
        payment=data.get("payment_method_id"),
        coupon=_text(data.get("coupon")),
        where=Where(
            zone_id=data.get("zone_id"),
            postal=_text(data.get("postal_code")),
            lat=data.get("latitude"),
            lng=data.get("longitude"),
        ),
        slot=data.get("slot"),
    )


def _read_form(shop: Shop) -> Submission:
    form = request.form
    if form.get("again"):
        return _again(shop, form.get("again"), form.get("idempotency_key"))
    lines = list(zip_longest(form.getlist("item_id"), form.getlist("quantity")))
    if len(lines) == 1:  # the one-product form: its options come as choice fields
        lines = [(*lines[0], _form_choices(form))]
    return Submission(
        lines=lines,
        shipping=form.get("shipping_method_id"),
        name=form.get("name", ""),
        address=form.get("address", ""),
        notes=form.get("notes", ""),
        phone=form.get("phone", ""),
        key=form.get("idempotency_key"),
        payment=form.get("payment_method_id"),
        coupon=form.get("coupon", ""),
        # The one-product form has a zone field per method: the chosen method's counts.
        where=Where(
            zone_id=form.get(f"zone_id-{form.get('shipping_method_id')}"),
            postal=form.get(f"postal_code-{form.get('shipping_method_id')}", ""),
        ),
        slot=form.get(f"slot-{form.get('shipping_method_id')}"),
    )


def _again(shop: Shop, token: str, key: object) -> Submission | None:
    """The order page's "order again": that order's lines and details, as a new order."""
    order = ordering.order_by_token(token)
    if order is None or order.shop_id != shop.id:
        return None
    repeat = repeat_of(shop, order)
    return Submission(
        lines=repeat.lines,
        shipping=repeat.shipping_method_id,
        name=repeat.name,
        address=repeat.address,
        notes=repeat.notes,
        phone=repeat.phone,
        key=key,
        payment=repeat.payment_method_id,
        again=True,
    )


def _form_choices(values) -> list[str]:
    """The choice ids of a one-product form: "choice" and "choice-<group>" fields."""
    return [
        value
        for name in values
        if name == "choice" or name.startswith("choice-")
        for value in values.getlist(name)
        if value
    ]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _refuse(shop: Shop, submission: Submission, error: OrderError, status: int, wants_json: bool):
    """Say what is wrong; nothing was recorded and the shopper's cart is untouched."""
    if wants_json:
        body = {
            "error": error.message,
            "field": error.field,
            "item_id": error.item_id,
            "line_key": error.line_key,
        }
        if isinstance(error, ShopPaused):
            body["paused"] = True
        if isinstance(error, ShopClosed):
            body["closed"] = True
        if isinstance(error, ShopUnavailable):
            body["unavailable"] = True
        return private(jsonify(body)), status
    if isinstance(error, ShopUnavailable):
        return unavailable_response()
    item = _single_visible_item(shop, submission)
    if item is not None:
        return private(_product_form(shop, item, submission, error)), status
    return private(render_error(status, _("We could not take this order"), error.message))


def _single_visible_item(shop: Shop, submission: Submission) -> Item | None:
    """The product a no-JavaScript form was ordering, to show its form again."""
    if len(submission.lines) != 1:
        return None
    item_id = whole_number(submission.lines[0][0])
    if item_id is None:
        return None
    item = db.session.get(Item, item_id)
    if item is None or item.shop_id != shop.id or item.availability == Availability.HIDDEN:
        return None
    return item


def _product_form(shop: Shop, item: Item, submission: Submission, error: OrderError | None):
    # A refused order recorded nothing, so its key can be sent again; a new form gets one.
    key = submission.key if isinstance(submission.key, str) else ""
    if error is None or not ordering.IDEMPOTENCY_KEY.fullmatch(key):
        submission.key = secrets.token_urlsafe(24)
    methods = [method for method in shop.shipping_methods if method.active]
    payments = active_methods(shop)
    return render_template(
        "storefront/product_checkout.html",
        shop=shop,
        item=item,
        methods=methods,
        form=submission,
        quantity=submission.lines[0][1] if submission.lines else 1,
        error=error,
        sold_out=item_sold_out(item),
        chosen=_chosen_ids(submission),
        sold_out_variants=sold_out_keys(item),
        payments=payments,
        rules=checkout_rules(shop, clock.now()),
    )


def _chosen_ids(submission: Submission) -> set[int]:
    """The choices the shopper had ticked, to tick them again (malformed ones dropped)."""
    line = submission.lines[0] if submission.lines else ()
    raw = line[2] if len(line) > 2 and isinstance(line[2], list) else []
    return {number for value in raw if (number := whole_number(value)) is not None}


def _forbidden() -> OrderError:
    return OrderError(_("This order form was sent from another site. Order from the shop page."))


def _unreadable() -> str:
    return _("Something went wrong sending your order. Reload the page and try again.")
