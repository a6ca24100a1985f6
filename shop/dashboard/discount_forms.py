"""The merchant's discount form: text read the way the rest of the dashboard reads it
(amounts in the shop's format, shop.lib.money), checked again by the rules
(shop.ordering.coupon_edits), so the form and checkout never disagree."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from shop.extensions import db
from shop.lib.locales import shop_locale
from shop.lib.money import AmountError, parse_amount
from shop.lib.text import clean_line, whole_number
from shop.models import DiscountKind, Item, Shop
from shop.ordering.coupon_edits import MAX_NAME, MAX_USES
from shop.ordering.coupons import MAX_CODE, code_problem
from shop.ordering.discounts import FULL_PERCENT

_PERCENT = re.compile(r"[0-9]{1,3}([.,][0-9]{1,2})?")


def parse_percent(text: str) -> int:
    """``10`` / ``12,5`` / ``12.5 %`` -> basis points (1000, 1250); ValueError otherwise."""
    text = (text or "").replace("%", "").strip()
    if not _PERCENT.fullmatch(text):
        raise ValueError(text)
    try:
        points = int(Decimal(text.replace(",", ".")) * 100)
    except InvalidOperation:
        raise ValueError(text) from None
    if not 0 < points <= FULL_PERCENT:
        raise ValueError(text)
    return points


class DiscountForm(FlaskForm):
    code = StringField(
        _l("Code (leave it empty for an automatic discount)"),
        filters=[lambda text: (text or "").strip()],
        render_kw={"maxlength": MAX_CODE, "autocomplete": "off", "autocapitalize": "characters"},
    )
    name = StringField(
        _l("Name shoppers see (needed for an automatic discount)"),
        filters=[clean_line],
        validators=[Length(max=MAX_NAME, message=_l("At most %(max)d characters, please."))],
        render_kw={"maxlength": MAX_NAME},
    )
    kind = RadioField(
        _l("Discount"),
        choices=[
            SelectChoice(DiscountKind.PERCENT.value, _l("A percentage off")),
            SelectChoice(DiscountKind.FIXED.value, _l("An amount off")),
            SelectChoice(DiscountKind.FREE_SHIPPING.value, _l("Free shipping")),
        ],
        default=DiscountKind.PERCENT.value,
    )
    value = StringField(
        _l("Percentage or amount"),
        render_kw={"inputmode": "decimal", "maxlength": 30, "autocomplete": "off"},
    )
    min_order = StringField(
        _l("Minimum order (optional)"),
        render_kw={"inputmode": "decimal", "maxlength": 30, "autocomplete": "off"},
    )
    starts_on = DateField(_l("First day (optional)"), validators=[Optional()])
    ends_on = DateField(_l("Last day (optional)"), validators=[Optional()])
    max_uses = StringField(
        _l("Uses in total (optional)"), render_kw={"inputmode": "numeric", "maxlength": 7}
    )
    max_uses_per_customer = StringField(
        _l("Uses per customer (optional, by WhatsApp number)"),
        render_kw={"inputmode": "numeric", "maxlength": 7},
    )
    category_ids = SelectMultipleField(_l("Only these categories"), coerce=int)
    item_ids = SelectMultipleField(_l("Only these products"), coerce=int)
    active = BooleanField(_l("Shoppers can use it"), default=True)

    def __init__(self, *args, shop: Shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.category_ids.choices = [(c.id, c.name) for c in shop.categories]
        self.item_ids.choices = [
            (item_id, name)
            for item_id, name in db.session.execute(
                select(Item.id, Item.name).where(Item.shop_id == shop.id).order_by(Item.name)
            )
        ]
        self.value_parsed = 0
        self.min_order_minor: int | None = None

    def _amount(self, text: str) -> int:
        shop = self.shop
        try:
            return parse_amount(text, shop.currency, shop.currency_exponent, shop_locale(shop))
        except AmountError as error:
            raise ValidationError(str(error)) from None

    def validate_code(self, field) -> None:
        if field.data:
            problem = code_problem(field.data)
            if problem:
                raise ValidationError(problem)

    def validate_value(self, field) -> None:
        kind = self.kind.data
        if kind == DiscountKind.FREE_SHIPPING.value:
            return
        if kind == DiscountKind.PERCENT.value:
            try:
                self.value_parsed = parse_percent(field.data)
            except ValueError:
                raise ValidationError(
                    _l("Write a percentage from 0,01 to 100, e.g. 10 or 12,5.")
                ) from None
            return
        self.value_parsed = self._amount(field.data or "")
        if self.value_parsed <= 0:
            raise ValidationError(_l("Write an amount more than 0."))

    def validate_min_order(self, field) -> None:
        if (field.data or "").strip():
            self.min_order_minor = self._amount(field.data)

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day comes before the first day."))

    def validate_max_uses(self, field) -> None:
        _check_limit(field)

    def validate_max_uses_per_customer(self, field) -> None:
        _check_limit(field)

    def values(self) -> dict:
        return {
            "code": self.code.data or "",
            "name": self.name.data or "",
            "kind": self.kind.data,
            "value": self.value_parsed,
            "min_order_minor": self.min_order_minor,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "max_uses": whole_number(self.max_uses.data) if self.max_uses.data else None,
            "max_uses_per_customer": whole_number(self.max_uses_per_customer.data)
            if self.max_uses_per_customer.data
            else None,
            "active": self.active.data,
            "category_ids": self.category_ids.data or [],
            "item_ids": self.item_ids.data or [],
        }


def _check_limit(field) -> None:
    text = (field.data or "").strip()
    field.data = text
    if text:
        number = whole_number(text)
        if number is None or not 1 <= number <= MAX_USES:
            raise ValidationError(_l("A limit of uses is a whole number from 1 to 1000000."))
