"""Forms for categories and items: they read what the merchant typed, in their locale.

Types, lengths and amounts are checked here; the catalog rules (duplicate names, a
sale price above the price) live in shop.catalog and come back as CatalogError.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from shop.catalog import (
    CATEGORY_NAME_MAX,
    CODE_MAX,
    DESCRIPTION_MAX,
    ITEM_NAME_MAX,
    CatalogError,
    ItemData,
)
from shop.lib.locales import shop_locale
from shop.lib.money import AmountError, format_amount_input, parse_amount
from shop.models import Availability, Category, Shop

# Any image: a phone then offers its camera beside the gallery; the pipeline takes
# JPEG, PNG and WebP by their content and says so for anything else.
PHOTO_TYPES = "image/*"
# The category choice that makes a new one from the name typed beside it.
NEW_CATEGORY = "new"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _one_newline(value):
    # Browsers send a textarea's line breaks as CRLF: count each as one character.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def whole_units(text: str | None) -> int | None:
    """A stock count as typed: blank is "not counted", else a whole number 0..1,000,000."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 7 or int(text) > 1_000_000:
        raise ValidationError(_l("Write a whole number from 0 to 1000000, or leave it empty."))
    return int(text)


def availability_choices() -> list[tuple[str, str]]:
    return [
        (Availability.AVAILABLE.value, _l("Available")),
        (Availability.SOLD_OUT.value, _l("Sold out")),
        (Availability.HIDDEN.value, _l("Hidden")),
    ]


def category_choices(categories: list[Category], none_label) -> list[tuple[str, str]]:
    return [("", none_label)] + [(str(c.id), c.name) for c in categories]


def add_error(form: FlaskForm, error: CatalogError) -> None:
    """Show a refused catalog change next to the field it is about (or above the form)."""
    field = form._fields.get(error.field or "")
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=CATEGORY_NAME_MAX, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"maxlength": CATEGORY_NAME_MAX, "autocomplete": "off"},
    )


class DeleteCategoryForm(FlaskForm):
    move_items_to = SelectField(_l("Move its products to"), choices=[])

    def __init__(self, others: list[Category], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.move_items_to.choices = category_choices(others, _l("No category"))


class ItemForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter a name.")),
            Length(max=ITEM_NAME_MAX, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"maxlength": ITEM_NAME_MAX},
    )
    description = TextAreaField(
        _l("Description"),
        filters=[_one_newline],
        validators=[
            Length(max=DESCRIPTION_MAX, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"rows": 6},
    )
    price = StringField(
        _l("Price"),
        filters=[_strip],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    compare_at = StringField(
        _l("Price before the sale (optional)"),
        filters=[_strip],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    code = StringField(
        _l("Item code (optional)"),
        filters=[_strip],
        validators=[Length(max=CODE_MAX, message=_l("Use at most %(max)d characters."))],
        render_kw={"maxlength": CODE_MAX, "autocomplete": "off"},
    )
    category = SelectField(_l("Category"), choices=[], default="")  # absent: none
    new_category = StringField(
        _l("Name of the new category"),
        filters=[_strip],
        validators=[Length(max=CATEGORY_NAME_MAX, message=_l("Use at most %(max)d characters."))],
        render_kw={"maxlength": CATEGORY_NAME_MAX, "autocomplete": "off"},
    )
    stock = StringField(
        _l("Units in stock (optional)"),
        filters=[_strip],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 10},
    )
    # The count the form showed: a save must not undo what orders took meanwhile.
    stock_loaded = HiddenField(filters=[_strip])
    # A new item's one-time key (dashboard/once.py): a double tap saves one item.
    form_key = HiddenField()
    availability = RadioField(_l("Availability"), choices=[], default=Availability.AVAILABLE.value)
    is_service = BooleanField(_l("This is a service (nothing to ship)"))
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": PHOTO_TYPES})

    def __init__(self, shop: Shop, categories: list[Category], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.categories = {str(c.id): c for c in categories}
        self.category.choices = [
            *category_choices(categories, _l("No category")),
            (NEW_CATEGORY, _l("New category…")),
        ]
        self.availability.choices = availability_choices()
        self.price_minor: int | None = None
        self.compare_at_minor: int | None = None
        self.stock_units: int | None = None
        self.stock_loaded_units: int | None = None

    @classmethod
    def for_item(cls, item, categories: list[Category]) -> ItemForm:
        """The form filled with an item's values, amounts written the merchant's way."""
        locale = shop_locale(item.shop)
        return cls(
            item.shop,
            categories,
            data={
                "name": item.name,
                "description": item.description,
                "price": format_amount_input(
                    item.price_minor, item.shop.currency, item.shop.currency_exponent, locale
                ),
                "compare_at": format_amount_input(
                    item.compare_at_minor, item.shop.currency, item.shop.currency_exponent, locale
                ),
                "code": item.code,
                "category": str(item.category_id or ""),
                "availability": item.availability.value,
                "is_service": item.is_service,
                "stock": "" if item.stock is None else str(item.stock),
                "stock_loaded": "" if item.stock is None else str(item.stock),
            },
        )

    def _amount(self, text: str) -> int:
        try:
            return parse_amount(
                text, self.shop.currency, self.shop.currency_exponent, shop_locale(self.shop)
            )
        except AmountError as error:
            raise ValidationError(str(error)) from None

    def validate_price(self, field) -> None:
        self.price_minor = self._amount(field.data or "")

    def validate_compare_at(self, field) -> None:
        self.compare_at_minor = self._amount(field.data) if field.data else None

    def wants_new_category(self) -> bool:
        """A new category is asked for by its choice, or (without a script to show the
        field only then) by a name typed while the choice is left at "No category"."""
        chosen = self.category.data or ""
        return chosen == NEW_CATEGORY or (chosen == "" and bool(self.new_category.data))

    def validate_new_category(self, field) -> None:
        if self.category.data == NEW_CATEGORY and not field.data:
            raise ValidationError(_l("Enter a name for the new category."))

    # Fields under "More" on the item form: it opens by itself when one of them is wrong.
    MORE = ("description", "compare_at", "code", "stock", "availability", "is_service")

    def more_has_errors(self) -> bool:
        return any(self[name].errors for name in self.MORE)

    def validate_stock(self, field) -> None:
        self.stock_units = whole_units(field.data)

    def validate_stock_loaded(self, field) -> None:
        try:
            self.stock_loaded_units = whole_units(field.data)
        except ValidationError:
            self.stock.errors.append(_l("This page is out of date. Reload it and try again."))
            raise

    def stock_changed_meanwhile(self, current: int | None) -> None:
        """After a refused save (stock_edits.StockChanged): the next save is measured
        against the count as it is now; what the merchant typed stays in the field."""
        text = "" if current is None else str(current)
        self.stock_loaded.data, self.stock_loaded.raw_data = text, [text]

    def chosen_files(self) -> list:
        """The files picked in the photo input (browsers send an empty part for none)."""
        return [f for f in (self.photos.data or []) if f and f.filename]

    def item_data(self) -> ItemData:
        assert self.price_minor is not None, "call validate() first"
        return ItemData(
            name=self.name.data or "",
            description=self.description.data or "",
            price_minor=self.price_minor,
            compare_at_minor=self.compare_at_minor,
            code=self.code.data or "",
            category=self.categories.get(self.category.data or ""),
            availability=Availability(self.availability.data),
            is_service=bool(self.is_service.data),
            stock=self.stock_units,
            # Forms from before this field, or scripts, have no loaded count to check.
            stock_loaded=self.stock_loaded_units,
            check_stock=bool(self.stock_loaded.raw_data),
        )


class BulkForm(FlaskForm):
    """Apply one change to the items ticked in the list."""

    action = SelectField(_l("With the selected products"), choices=[])
    category = SelectField(_l("Move to"), choices=[])

    def __init__(self, categories: list[Category], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [
            ("available", _l("Mark available")),
            ("sold_out", _l("Mark sold out")),
            ("hidden", _l("Hide")),
            ("move", _l("Move to category")),
            ("delete", _l("Delete")),
        ]
        self.category.choices = category_choices(categories, _l("No category"))
        self.categories = {str(c.id): c for c in categories}
