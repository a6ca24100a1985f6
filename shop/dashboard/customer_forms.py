"""The merchant's forms about customers: note and tags, merging, deleting, privacy."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from shop.lib.text import whole_number
from shop.ordering.customer_privacy import MAX_MONTHS
from shop.ordering.customers import MAX_NOTE, MAX_TAGS

MAX_PRIVACY_TEXT = 1500


class CustomerDetailsForm(FlaskForm):
    note = TextAreaField(_l("Note (only your team sees it)"), validators=[Length(max=MAX_NOTE)])
    tags = StringField(_l("Tags, separated by commas"), validators=[Length(max=MAX_TAGS)])


class MergeForm(FlaskForm):
    """Which other customer becomes part of this one (checked against the shop's own)."""

    other = StringField(_l("Customer to merge into this one"))

    def validate_other(self, field) -> None:
        if whole_number(field.data) is None:
            raise ValidationError(_l("Choose a customer from the list."))


class DeleteCustomerForm(FlaskForm):
    confirmed = BooleanField(_l("Yes, delete this customer's personal data from my orders"))

    def validate_confirmed(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Tick the box to confirm."))


class PrivacyForm(FlaskForm):
    privacy_text = TextAreaField(
        _l("What your privacy page says about orders (empty: the text below)"),
        validators=[Length(max=MAX_PRIVACY_TEXT)],
    )
    forget_after = BooleanField(_l("Delete the personal data of customers who stop ordering"))
    months = StringField(_l("After this many months without an order"))

    def validate_months(self, field) -> None:
        if not self.forget_after.data:
            return
        months = whole_number(field.data)
        if months is None or not 1 <= months <= MAX_MONTHS:
            raise ValidationError(_l("Write a number of months from 1 to %(max)d.", max=MAX_MONTHS))
