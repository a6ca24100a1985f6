"""The operator's forms: the reason is required (the merchant reads it)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField, ValidationError

from shop.shops.suspension import OperatorError, check_reason


class SuspendForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the merchant sees it; shoppers do not)"),
        render_kw={"rows": 4, "maxlength": 1000, "required": True},
    )

    def validate_reason(self, field) -> None:
        try:
            field.data = check_reason(field.data)
        except OperatorError as error:
            raise ValidationError(str(error)) from None


class LiftForm(FlaskForm):
    """Only the CSRF token."""
