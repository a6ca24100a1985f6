"""Forms for setting up a shop, its settings and its shipping methods.

Fields check their own input; checks that need the rules or the database call
shop.shops.settings, shop.shops.slugs and shop.lib.phones, so the form and the rules never disagree.
"""

from __future__ import annotations

from functools import lru_cache

from babel.core import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from shop.lib.locales import LANGUAGE_NAMES, LANGUAGES, regional_locale, shop_locale
from shop.lib.money import AmountError, is_known_currency, iso_exponent, parse_amount
from shop.lib.phones import PhoneError, country_choices, parse_whatsapp, sort_key
from shop.models import Shop, User
from shop.ordering.shipping import MAX_NAME as MAX_METHOD_NAME
from shop.shops.settings import (
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_PAUSE_MESSAGE,
    clean_line,
    clean_text,
    currency_codes,
    recent_twin,
)
from shop.shops.slugs import (
    SLUG_MAX,
    SlugError,
    check_slug,
    is_old_slug_of,
    normalize_slug,
    slug_available,
    slug_from_text,
    suggest_slug,
    taken_message,
)

MAX_LOGO_BYTES = 10 * 1024 * 1024


def _max_chars(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters, please."))


class ShopForm(FlaskForm):
    """The fields a shop is set up with; every one can be changed later in settings."""

    name = StringField(
        _l("Shop name"),
        filters=[clean_line],
        validators=[DataRequired(_l("Give your shop a name.")), _max_chars(MAX_NAME)],
        render_kw={"maxlength": MAX_NAME, "autocomplete": "organization"},
    )
    description = TextAreaField(
        _l("Short description"),
        filters=[clean_text],
        validators=[_max_chars(MAX_DESCRIPTION)],
        render_kw={"maxlength": MAX_DESCRIPTION, "rows": 3},
    )
    slug = StringField(
        _l("Shop link"),
        filters=[normalize_slug],
        render_kw={
            "maxlength": SLUG_MAX,
            "autocapitalize": "none",
            "autocomplete": "off",
            "spellcheck": "false",
        },
    )
    logo = FileField(
        _l("Logo (optional)"),
        render_kw={"accept": "image/*", "data-max-bytes": MAX_LOGO_BYTES},
    )
    country = SelectField(_l("Country"))
    phone = StringField(
        _l("Number"),
        filters=[lambda value: (value or "").strip()],
        render_kw={"type": "tel", "autocomplete": "tel-national", "maxlength": 30},
    )
    currency = SelectField(_l("Currency"))
    language = SelectField(_l("Shop language"))

    def __init__(self, *args, owner: User, shop: Shop | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.shop = shop
        self.country.choices = [
            SelectChoice(code, label, attrs) for code, label, attrs in country_choices()
        ]
        self.currency.choices = [
            SelectChoice(code, label) for code, label in currency_choices(str(get_locale() or "en"))
        ]
        self.language.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
        if shop is not None and shop.logo_id is not None:
            self.logo.label.text = _("Replace the logo")
        self.whatsapp: str | None = None  # E.164, once the phone field is valid
        self.twin: Shop | None = None  # set when this is a double-submitted set-up
        self.slug_varied_from: str | None = None  # the name's link, taken: a variant was used

    def validate_phone(self, field) -> None:
        try:
            self.whatsapp = parse_whatsapp(self.country.data or "", field.data)
        except PhoneError as error:
            raise ValidationError(str(error)) from None

    def validate_slug(self, field) -> None:
        name = self.name.data or ""
        derived = slug_from_text(name)
        # At set-up the link field is filled from the name as the merchant types it, so a
        # link equal to the name's is not one they chose; in settings only an empty one.
        chosen = field.data and (self.shop is not None or field.data != derived)
        if chosen:
            self._check_new_slug(field.data, name)
            return
        if not derived:
            raise ValidationError(
                _("Your shop's name has no letters a link can use. Type a link, e.g. my-shop.")
            )
        field.data = derived
        try:
            self._check_new_slug(derived, name)
        except ValidationError:
            # A link the merchant did not type is never refused: take the free variant
            # (ceramica-luna-2), shown afterwards and editable in settings.
            free = suggest_slug(name, self.shop)
            if not free:
                raise
            field.data = free
            self.slug_varied_from = derived

    def _check_new_slug(self, slug: str, name: str) -> None:
        shop = self.shop
        if shop is not None and slug == shop.slug:
            return
        try:
            check_slug(slug, allow_reserved=True)
            if shop is not None and is_old_slug_of(slug, shop):
                return  # one of its old links: always allowed back
            check_slug(slug)
        except SlugError as error:
            raise ValidationError(str(error)) from None
        if slug_available(slug, shop):
            return
        if shop is None:
            self.twin = recent_twin(self.owner, name, slug)
            if self.twin is not None:
                return
        raise ValidationError(taken_message(slug, name, shop))

    def shop_values(self) -> dict:
        """The checked values, as shop.shops.settings.create_shop and update_shop take them."""
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "whatsapp": self.whatsapp,
            "currency": self.currency.data,
            "language": self.language.data,
        }


class SetupForm(ShopForm):
    """Set-up: the first shop after the first sign-in, or another one later.

    It also takes the first ways to deliver (a home delivery price, free pickup), so a
    new shop can take an order without a visit to the shipping page.
    """

    delivery_price = StringField(
        _l("Home delivery price (optional)"),
        render_kw={"inputmode": "decimal", "maxlength": 30, "autocomplete": "off"},
    )
    pickup = BooleanField(_l("Shoppers can also pick up their order, free"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.delivery_minor: int | None = None  # the price read, once the field is valid

    def validate_delivery_price(self, field) -> None:
        text = (field.data or "").strip()
        if not text:
            return
        currency = self.currency.data or ""
        if not is_known_currency(currency):
            return  # the currency field says why
        locale = regional_locale(self.language.data or "en", self.whatsapp or "")
        try:
            self.delivery_minor = parse_amount(text, currency, iso_exponent(currency), locale)
        except AmountError as error:
            raise ValidationError(str(error)) from None

    def delivery_values(self) -> dict:
        """What shop.shops.first_delivery.add_first_delivery takes."""
        return {"delivery_minor": self.delivery_minor, "pickup": bool(self.pickup.data)}


class SettingsForm(ShopForm):
    remove_logo = BooleanField(_l("Remove the logo"))
    paused = BooleanField(_l("Pause the shop: shoppers see the message below and cannot order"))
    pause_message = TextAreaField(
        _l("Message for shoppers while paused"),
        filters=[clean_text],
        validators=[_max_chars(MAX_PAUSE_MESSAGE)],
        render_kw={"maxlength": MAX_PAUSE_MESSAGE, "rows": 2},
    )

    def shop_values(self) -> dict:
        return super().shop_values() | {
            "paused": self.paused.data,
            "pause_message": self.pause_message.data or "",
        }


@lru_cache(maxsize=16)
def _currency_choices(locale: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale).currencies
    rows = []
    for code in currency_codes():
        name = names.get(code, code)
        rows.append((code, f"{name[:1].upper()}{name[1:]} ({code})"))
    rows.sort(key=lambda row: sort_key(row[1]))
    return tuple(rows)


def currency_choices(locale: str) -> list[tuple[str, str]]:
    """``("EUR", "Euro (EUR)")`` for every currency in use today, by localized name."""
    return list(_currency_choices(locale))


# -- Shipping ---------------------------------------------------------------------


class ShippingForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Give the method a name, e.g. Home delivery.")),
            _max_chars(MAX_METHOD_NAME),
        ],
        render_kw={"maxlength": MAX_METHOD_NAME},
    )
    price = StringField(
        _l("Price"),
        render_kw={"inputmode": "decimal", "maxlength": 30, "autocomplete": "off"},
    )
    kind = RadioField(
        _l("Type"),
        choices=[
            SelectChoice("delivery", _l("Delivery: the shopper gives an address")),
            SelectChoice("pickup", _l("Pickup: no address needed")),
        ],
        default="delivery",
    )
    active = BooleanField(_l("Offer it to shoppers"), default=True)
    free_above = StringField(
        _l("Free from (optional)"),
        render_kw={"inputmode": "decimal", "maxlength": 30, "autocomplete": "off"},
    )

    def __init__(self, *args, shop: Shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.price_minor: int | None = None
        self.free_above_minor: int | None = None

    def validate_free_above(self, field) -> None:
        if not (field.data or "").strip():
            return
        try:
            self.free_above_minor = parse_amount(
                field.data, self.shop.currency, self.shop.currency_exponent, shop_locale(self.shop)
            )
        except AmountError as error:
            raise ValidationError(str(error)) from None

    def validate_price(self, field) -> None:
        try:
            self.price_minor = parse_amount(
                field.data or "",
                self.shop.currency,
                self.shop.currency_exponent,
                shop_locale(self.shop),
            )
        except AmountError as error:
            raise ValidationError(str(error)) from None

    def method_values(self) -> dict:
        return {
            "name": self.name.data,
            "price_minor": self.price_minor,
            "needs_address": self.kind.data == "delivery",
            "active": self.active.data,
            "free_above_minor": self.free_above_minor,
        }
