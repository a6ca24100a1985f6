"""The form for one option group: its choices written one per line, prices the merchant's way.

    Talla S
    Bacon | +1,50
    Sin queso | -0,50

A line is a choice's name, optionally followed by "|" and the change to the price
(a sign, then an amount in the merchant's locale, parsed by shop.lib.money).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from shop.catalog.options import GROUP_NAME_MAX, MAX_CHOICES, GroupData
from shop.lib.locales import shop_locale
from shop.lib.money import AmountError, format_amount_input, parse_amount
from shop.models import OptionGroup, OptionKind, Shop

MINUS = "-\u2212"  # a hyphen, or the minus sign phones type
# The kind select's value for a variant group that is neither a size nor a colour
# (kind OTHER, is_variant): one select says both what the group is and whether it
# makes variants.
OTHER_VARIANT = "variant"


def kind_choices() -> list[tuple[str, str]]:
    return [
        (OptionKind.OTHER.value, _l("Other (extras, flavours…)")),
        (OptionKind.SIZE.value, _l("Size")),
        (OptionKind.COLOR.value, _l("Colour")),
        (OTHER_VARIANT, _l("Another variant (material, style…)")),
    ]


def kind_value(group: OptionGroup) -> str:
    if group.kind == OptionKind.OTHER and group.is_variant:
        return OTHER_VARIANT
    return group.kind.value


def parse_choices(text: str, shop: Shop) -> list[tuple[str, int]]:
    """(name, price change) per non-empty line; ValidationError naming the bad line."""
    locale = shop_locale(shop)
    found = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_CHOICES:
        raise ValidationError(_l("A group can have at most %(max)d choices.", max=MAX_CHOICES))
    for number, line in enumerate(lines, start=1):
        name, _bar, amount = (part.strip() for part in line.partition("|"))
        delta = 0
        if amount:
            sign = -1 if amount[0] in MINUS else 1
            try:
                digits = amount.lstrip("+" + MINUS).strip()
                delta = sign * parse_amount(digits, shop.currency, shop.currency_exponent, locale)
            except AmountError as error:
                raise ValidationError(
                    _l("Line %(number)d: %(problem)s", number=number, problem=str(error))
                ) from None
        if not name:
            raise ValidationError(_l("Line %(number)d has no name.", number=number))
        found.append((name, delta))
    return found


def format_choices(group: OptionGroup, shop: Shop) -> str:
    """The choices written back the way parse_choices reads them."""
    locale = shop_locale(shop)
    lines = []
    for choice in group.choices:
        delta = choice.price_delta_minor
        if delta:
            sign = "+" if delta > 0 else "-"
            amount = format_amount_input(abs(delta), shop.currency, shop.currency_exponent, locale)
            lines.append(f"{choice.name} | {sign}{amount}")
        else:
            lines.append(choice.name)
    return "\n".join(lines)


class CountField(IntegerField):
    """A small whole number, or the form's own message. WTForms' IntegerField takes any
    length of digits, and NumberRange then compares through float(): 400 nines raised
    OverflowError (a 500). Its own message for "abc" is English only, too."""

    MAX_DIGITS = 6

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        if not text:
            self.data = None
            return
        if len(text) > self.MAX_DIGITS or not text.isascii() or not text.isdigit():
            self.data = None
            raise ValueError(str(_l("Write a whole number.")))
        self.data = int(text)


class GroupForm(FlaskForm):
    name = StringField(
        _l("Name, as shoppers see it"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=GROUP_NAME_MAX, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"maxlength": GROUP_NAME_MAX, "placeholder": _l("Size")},
    )
    kind = SelectField(_l("Kind"), choices=[], default=OptionKind.OTHER.value)
    min_choices = CountField(
        _l("At least"),
        default=1,
        validators=[
            InputRequired(_l("Write a whole number.")),
            NumberRange(0, MAX_CHOICES, _l("From %(min)s to %(max)s.")),
        ],
        render_kw={"min": 0, "max": MAX_CHOICES, "inputmode": "numeric"},
    )
    max_choices = CountField(
        _l("At most"),
        default=1,
        validators=[
            InputRequired(_l("Write a whole number.")),
            NumberRange(1, MAX_CHOICES, _l("From %(min)s to %(max)s.")),
        ],
        render_kw={"min": 1, "max": MAX_CHOICES, "inputmode": "numeric"},
    )
    choices = TextAreaField(_l("Choices, one per line"), render_kw={"rows": 5})

    def __init__(self, shop: Shop, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.kind.choices = kind_choices()
        self.parsed: list[tuple[str, int]] = []

    @classmethod
    def for_group(cls, group: OptionGroup, shop: Shop) -> GroupForm:
        return cls(
            shop,
            prefix=f"g{group.id}",
            formdata=None,
            data={
                "name": group.name,
                "kind": kind_value(group),
                "min_choices": group.min_choices,
                "max_choices": group.max_choices,
                "choices": format_choices(group, shop),
            },
        )

    def validate_choices(self, field) -> None:
        self.parsed = parse_choices(field.data or "", self.shop)
        if not self.parsed:
            raise ValidationError(_l("Write at least one choice."))

    def group_data(self) -> GroupData:
        variant = self.kind.data == OTHER_VARIANT
        return GroupData(
            name=self.name.data or "",
            kind=OptionKind.OTHER if variant else OptionKind(self.kind.data),
            is_variant=variant,
            min_choices=self.min_choices.data or 0,
            max_choices=self.max_choices.data or 1,
            choices=self.parsed,
        )
