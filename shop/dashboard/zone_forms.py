"""The delivery zone, shop location and pickup/delivery time forms: amounts and
distances read in the shop's locale; the rules themselves are shop.ordering.zone_edits'
and shop.ordering.slots'."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, ValidationError

from shop.lib.hours import DAY, HoursError, parse_time
from shop.lib.locales import shop_locale
from shop.lib.money import AmountError, format_amount_input, parse_amount
from shop.lib.text import clean_line
from shop.models import ShippingZone, Shop, ZoneKind
from shop.ordering.zone_edits import MAX_NAME

_AMOUNT = {"inputmode": "decimal", "maxlength": 30, "autocomplete": "off"}


class ZoneForm(FlaskForm):
    kind = SelectField(
        _l("Shoppers are placed in it by"),
        choices=[
            SelectChoice(
                ZoneKind.LIST.value, _l("Picking it from a list (a neighbourhood, a town)")
            ),
            SelectChoice(ZoneKind.POSTAL.value, _l("Their postal code")),
            SelectChoice(ZoneKind.DISTANCE.value, _l("Their distance from the shop")),
            SelectChoice(ZoneKind.EVERYWHERE.value, _l("Everywhere else")),
        ],
        default=ZoneKind.LIST.value,
    )
    name = StringField(
        _l("Name"),
        filters=[clean_line],
        validators=[Length(max=MAX_NAME, message=_l("At most %(max)d characters, please."))],
        render_kw={"maxlength": MAX_NAME},
    )
    codes = TextAreaField(_l("Postal codes"), render_kw={"rows": 2, "maxlength": 4000})
    distance = StringField(
        _l("Up to (km)"), render_kw={"inputmode": "decimal", "maxlength": 10, "autocomplete": "off"}
    )
    fee = StringField(_l("Delivery fee"), render_kw=_AMOUNT)
    min_order = StringField(_l("Minimum order (optional)"), render_kw=_AMOUNT)
    free_above = StringField(_l("Free from (optional)"), render_kw=_AMOUNT)

    def __init__(self, *args, shop: Shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.amounts: dict[str, int | None] = {}
        self.max_m: int | None = None

    def _amount(self, field, *, optional: bool) -> None:
        text = (field.data or "").strip()
        if optional and not text:
            self.amounts[field.name] = None
            return
        try:
            self.amounts[field.name] = parse_amount(
                text, self.shop.currency, self.shop.currency_exponent, shop_locale(self.shop)
            )
        except AmountError as error:
            raise ValidationError(str(error)) from None

    def validate_fee(self, field) -> None:
        self._amount(field, optional=False)

    def validate_min_order(self, field) -> None:
        self._amount(field, optional=True)

    def validate_free_above(self, field) -> None:
        self._amount(field, optional=True)

    def validate_distance(self, field) -> None:
        if self.kind.data != ZoneKind.DISTANCE.value:
            return
        try:
            km = Decimal((field.data or "").strip().replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_l("Write the distance in km, from 0.1 to 500.")) from None
        if not km.is_finite() or not Decimal("0.1") <= km <= 500:
            raise ValidationError(_l("Write the distance in km, from 0.1 to 500."))
        self.max_m = int(km * 1000)

    def zone_values(self) -> dict:
        return {
            "kind": ZoneKind(self.kind.data),
            "name": self.name.data or "",
            "codes": self.codes.data or "",
            "max_m": self.max_m,
            "fee_minor": self.amounts.get("fee") or 0,
            "min_order_minor": self.amounts.get("min_order"),
            "free_above_minor": self.amounts.get("free_above"),
        }

    @classmethod
    def data_of(cls, zone: ShippingZone, shop: Shop) -> dict:
        """The zone as the form shows it, amounts written in the shop's locale."""

        def amount(minor):
            if minor is None:
                return ""
            return format_amount_input(
                minor, shop.currency, shop.currency_exponent, shop_locale(shop)
            )

        return {
            "kind": zone.kind.value,
            "name": zone.name,
            "codes": zone.codes,
            "distance": f"{zone.max_m / 1000:g}" if zone.max_m else "",
            "fee": amount(zone.fee_minor),
            "min_order": amount(zone.min_order_minor),
            "free_above": amount(zone.free_above_minor),
        }


class LocationForm(FlaskForm):
    latitude = StringField(_l("Latitude"), render_kw={"inputmode": "decimal", "maxlength": 20})
    longitude = StringField(_l("Longitude"), render_kw={"inputmode": "decimal", "maxlength": 20})


class TimesForm(FlaskForm):
    """A method's pickup or delivery times (shop.ordering.slots)."""

    slots_on = BooleanField(_l("Shoppers pick a time"))
    slot_minutes = SelectField(
        _l("Each time lasts"),
        choices=[
            SelectChoice(str(m), _l("%(num)d minutes", num=m))
            for m in (15, 20, 30, 45, 60, 90, 120)
        ],
        default="30",
    )
    lead_minutes = SelectField(
        _l("Least notice"),
        choices=[
            SelectChoice(
                str(m), _l("%(num)d minutes", num=m) if m < 60 else _l("%(num)d h", num=m // 60)
            )
            for m in (0, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880)
        ],
        default="120",
    )
    order_by = StringField(
        _l("Or: order by this time for the next day (optional)"),
        render_kw={"maxlength": 5, "placeholder": "18:00", "inputmode": "numeric"},
    )
    days_ahead = IntegerField(
        _l("Days ahead"),
        default=3,
        validators=[NumberRange(0, 30, message=_l("From 0 (today only) to 30 days."))],
    )
    slot_capacity = IntegerField(
        _l("Orders per time (0 = no limit)"),
        default=0,
        validators=[NumberRange(0, 1000, message=_l("From 0 to 1000."))],
    )

    def validate_order_by(self, field) -> None:
        text = (field.data or "").strip()
        if not text:
            field.data = ""
            return
        try:
            minutes = parse_time(text) % DAY
        except HoursError as error:
            raise ValidationError(str(error)) from None
        field.data = f"{minutes // 60:02d}:{minutes % 60:02d}"

    def values(self) -> dict:
        return {
            "slots_on": bool(self.slots_on.data),
            "slot_minutes": int(self.slot_minutes.data),
            "lead_minutes": int(self.lead_minutes.data),
            "order_by": self.order_by.data or "",
            "days_ahead": self.days_ahead.data,
            "slot_capacity": self.slot_capacity.data,
        }
