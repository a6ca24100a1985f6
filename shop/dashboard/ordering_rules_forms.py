"""Forms for the ordering rules (minimum, hours, message texts) and payment methods.

They check input with the same functions checkout and the message use (shop.lib.hours,
shop.whatsapp.texts, shop.ordering.payments), so the form and the rules never disagree.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from shop.lib import hours
from shop.lib.locales import shop_locale
from shop.lib.money import AmountError, parse_amount
from shop.models import ClosedPolicy, PaymentKind, PhonePolicy, Shop
from shop.ordering.payments import KIND_LABELS, MAX_CITY_TYPED, MAX_DETAILS, MAX_NAME
from shop.whatsapp.texts import MAX_TEXT, MessageTextError, check_text
from shop.whatsapp.update_texts import KINDS

DAYS = range(7)


class RulesForm(FlaskForm):
    min_order = StringField(
        _l("Minimum order amount (optional)"),
        render_kw={"inputmode": "decimal", "maxlength": 30, "autocomplete": "off"},
    )
    time_zone = SelectField(_l("Time zone"))
    day_0 = StringField(render_kw={"maxlength": 200, "autocomplete": "off"})
    day_1 = StringField(render_kw={"maxlength": 200, "autocomplete": "off"})
    day_2 = StringField(render_kw={"maxlength": 200, "autocomplete": "off"})
    day_3 = StringField(render_kw={"maxlength": 200, "autocomplete": "off"})
    day_4 = StringField(render_kw={"maxlength": 200, "autocomplete": "off"})
    day_5 = StringField(render_kw={"maxlength": 200, "autocomplete": "off"})
    day_6 = StringField(render_kw={"maxlength": 200, "autocomplete": "off"})
    closed_policy = RadioField(
        _l("Outside opening hours"),
        choices=[
            SelectChoice(ClosedPolicy.REFUSE.value, _l("Refuse orders until the shop opens")),
            SelectChoice(
                ClosedPolicy.NOTE.value,
                _l("Take them, with a note saying when the shop will answer"),
            ),
        ],
        default=ClosedPolicy.REFUSE.value,
    )
    ask_phone = RadioField(
        _l("The shopper's WhatsApp number at checkout"),
        choices=[
            SelectChoice(PhonePolicy.OFF.value, _l("Do not ask for it")),
            SelectChoice(PhonePolicy.OPTIONAL.value, _l("Ask for it, optional")),
            SelectChoice(PhonePolicy.REQUIRED.value, _l("Ask for it, required")),
        ],
        default=PhonePolicy.OPTIONAL.value,
    )
    greeting = StringField(
        _l("First line of the message"),
        render_kw={"maxlength": MAX_TEXT, "autocomplete": "off", "data-preview": ""},
    )
    closing = StringField(
        _l("Last line of the message (optional)"),
        render_kw={"maxlength": MAX_TEXT, "autocomplete": "off", "data-preview": ""},
    )

    def __init__(self, *args, shop: Shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.time_zone.choices = [
            SelectChoice(zone, label)
            for zone, label in hours.zone_choices(str(get_locale() or "en"))
        ]
        for day in DAYS:
            self.day_field(day).label.text = hours.day_name(day).capitalize()
        self.min_order_minor = 0
        self.opening_hours: dict | None = None

    def day_field(self, day: int):
        return self[f"day_{day}"]

    def validate_min_order(self, field) -> None:
        if not (field.data or "").strip():
            return
        try:
            self.min_order_minor = parse_amount(
                field.data, self.shop.currency, self.shop.currency_exponent, shop_locale(self.shop)
            )
        except AmountError as error:
            raise ValidationError(str(error)) from None

    def validate_greeting(self, field) -> None:
        field.data = _checked(field.data)

    def validate_closing(self, field) -> None:
        field.data = _checked(field.data)

    def update_field(self, kind: str):
        return self[f"update_{kind}"]

    def update_texts(self) -> dict[str, str]:
        """The update texts typed (checked by then); empty ones are the default line."""
        texts = {kind: self.update_field(kind).data or "" for kind in KINDS}
        return {kind: text for kind, text in texts.items() if text}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for day in DAYS:
            field = self.day_field(day)
            try:
                hours.parse_day(field.data or "")
            except hours.HoursError as error:
                field.errors.append(str(error))
                valid = False
        for kind in KINDS:
            field = self.update_field(kind)
            try:
                field.data = check_text(field.data or "")
            except MessageTextError as error:
                field.errors.append(str(error))
                valid = False
        if valid:
            try:
                self.opening_hours = hours.check_week(
                    {day: self.day_field(day).data or "" for day in DAYS}
                )
            except hours.HoursError as error:
                self.form_errors.append(str(error))
                valid = False
        return valid

    def rule_values(self) -> dict:
        return {
            "min_order_minor": self.min_order_minor,
            "time_zone": self.time_zone.data,
            "opening_hours": self.opening_hours,
            "closed_policy": self.closed_policy.data,
            "greeting_text": self.greeting.data or "",
            "closing_text": self.closing.data or "",
            "ask_phone": self.ask_phone.data,
            "update_texts": self.update_texts(),
        }


# One field per kind of update to the shopper, e.g. update_confirmed.
for _kind, _label in KINDS.items():
    setattr(
        RulesForm,
        f"update_{_kind}",
        StringField(
            _label,
            render_kw={"maxlength": MAX_TEXT, "autocomplete": "off", "data-preview": ""},
        ),
    )


def _checked(text: str | None) -> str:
    try:
        return check_text(text or "")
    except MessageTextError as error:
        raise ValidationError(str(error)) from None


class PaymentForm(FlaskForm):
    kind = SelectField(
        _l("Type"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
    )
    name = StringField(
        _l("Name shoppers see (optional)"),
        render_kw={"maxlength": MAX_NAME},
    )
    details = TextAreaField(
        _l("Details"),
        render_kw={"maxlength": MAX_DETAILS, "rows": 4},
    )
    city = StringField(
        _l("City (for Pix)"),
        render_kw={"maxlength": MAX_CITY_TYPED, "autocomplete": "address-level2"},
    )
    active = BooleanField(_l("Offer it to shoppers"), default=True)

    def offer(self, kinds) -> None:
        """Only the kinds this shop may add (Pix for BRL shops)."""
        self.kind.choices = [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in kinds]

    def payment_values(self) -> dict:
        return {
            "kind": self.kind.data or PaymentKind.CASH.value,
            "name": self.name.data or "",
            "details": self.details.data or "",
            "city": self.city.data or "",
        }
