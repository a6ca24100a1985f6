"""How a shop gets paid: cash on delivery, a bank transfer, a payment link, Pix, or other.

The shopper picks one at checkout when the shop offers any; the order keeps a snapshot
(kind, name, details), so the details shown on the order page are the ones the shopper
was given. A Pix method's details are its key and the merchant's city, one a line
(pix_details): the order's copy is all its page needs to write the Pix code. Functions
add and flush, never commit; every change bumps catalog_version because the cart page
lists the methods.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from shop.extensions import db
from shop.lib.brcode import MAX_CITY, plain
from shop.lib.pix_keys import PixKeyError, parse_pix_key
from shop.lib.text import clean_line, clean_text
from shop.models import PaymentKind, PaymentMethod, Shop

MAX_NAME = 80
MAX_DETAILS = 1000
MAX_LINK = 500
MAX_METHODS = 20
MAX_CITY_TYPED = 60  # as typed; the Pix code carries its first 15 plain characters
PIX_CURRENCY = "BRL"

KIND_LABELS = {
    PaymentKind.CASH: _l("Cash on delivery"),
    PaymentKind.BANK_TRANSFER: _l("Bank transfer"),
    PaymentKind.LINK: _l("Payment link"),
    PaymentKind.PIX: _l("Pix"),
    PaymentKind.OTHER: _l("Other"),
}


class PaymentError(ValueError):
    """A payment method that breaks a rule; `field` is the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def active_methods(shop: Shop) -> list[PaymentMethod]:
    return [method for method in shop.payment_methods if method.active]


def offered_kinds(shop: Shop) -> list[PaymentKind]:
    """The kinds this shop may add: Pix pays reais only, so only a BRL shop sees it."""
    return [kind for kind in KIND_LABELS if kind != PaymentKind.PIX or takes_pix(shop)]


def takes_pix(shop: Shop) -> bool:
    return shop.currency == PIX_CURRENCY


def create_method(
    shop: Shop, *, kind: str, name: str, details: str, city: str = ""
) -> PaymentMethod:
    """Add a method at the end of the shop's list."""
    count, last = db.session.execute(
        select(func.count(), func.max(PaymentMethod.position)).where(
            PaymentMethod.shop_id == shop.id
        )
    ).one()
    if count >= MAX_METHODS:
        raise PaymentError(_("A shop can have at most %(max)d payment methods.", max=MAX_METHODS))
    method = PaymentMethod(shop=shop, position=(last if last is not None else -1) + 1)
    _apply(method, kind, name, details, city)
    db.session.add(method)
    db.session.flush()
    return method


def update_method(
    method: PaymentMethod,
    *,
    kind: str,
    name: str,
    details: str,
    city: str = "",
    active: bool = True,
) -> None:
    _apply(method, kind, name, details, city)
    method.active = bool(active)
    db.session.flush()


def delete_method(method: PaymentMethod) -> None:
    db.session.delete(method)
    db.session.flush()


def _apply(method: PaymentMethod, kind: str, name: str, details: str, city: str) -> None:
    try:
        kind = PaymentKind(kind)
    except ValueError:
        raise PaymentError(_("Choose a type of payment."), "kind") from None
    if kind == PaymentKind.PIX and not takes_pix(method.shop):
        raise PaymentError(_("Pix is for shops that sell in reais (BRL)."), "kind")
    name = clean_line(name or "") or str(KIND_LABELS[kind])
    if len(name) > MAX_NAME:
        raise PaymentError(_("The name can have at most %(max)d characters.", max=MAX_NAME), "name")
    details = clean_text(details or "")
    if kind == PaymentKind.LINK:
        details = check_link(details)
    elif kind == PaymentKind.PIX:
        details = pix_details(details, city)
    elif kind == PaymentKind.BANK_TRANSFER and not details:
        raise PaymentError(
            _("Write the bank details the shopper needs, e.g. the IBAN and the holder."),
            "details",
        )
    if len(details) > MAX_DETAILS:
        raise PaymentError(
            _("The details can have at most %(max)d characters.", max=MAX_DETAILS), "details"
        )
    method.kind, method.name, method.details = kind, name, details


def pix_details(key: str, city: str) -> str:
    """The stored details of a Pix method: the key in its directory form and the city,
    one a line (``"12345678909\nSão Paulo"``), or PaymentError."""
    try:
        key = parse_pix_key(key)
    except PixKeyError as error:
        raise PaymentError(str(error), "details") from None
    city = clean_line(city or "")
    if not plain(city, MAX_CITY):
        raise PaymentError(_("Write the city where your shop is."), "city")
    if len(city) > MAX_CITY_TYPED:
        raise PaymentError(
            _("The city can have at most %(max)d characters.", max=MAX_CITY_TYPED), "city"
        )
    return f"{key}\n{city}"


def read_pix(details: str) -> tuple[str, str] | None:
    """(key, city) from a Pix method's or order's details; None when they are not a
    valid pair (checked again: they come from a row)."""
    key, _newline, city = (details or "").partition("\n")
    try:
        if parse_pix_key(key) != key or not plain(city, MAX_CITY):
            return None
    except PixKeyError:
        return None
    return key, city


def check_link(text: str) -> str:
    """A payment link shoppers may open: http or https, with a host, one line."""
    link = text.strip()
    parts = urlsplit(link) if len(link) <= MAX_LINK and " " not in link else None
    if (
        parts is None
        or "\n" in link
        or parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
    ):
        raise PaymentError(_("Write the full payment link, starting with https://"), "details")
    return link


def is_link(kind: str, details: str) -> bool:
    """True when `details` is a link to show as one (checked again: it comes from a row)."""
    if kind != PaymentKind.LINK:
        return False
    try:
        check_link(details)
    except PaymentError:
        return False
    return True
