"""A spreadsheet saved as CSV read as a catalog: columns found by their headers.

Headers are recognised in English, Spanish and Portuguese, in any order, accents and
case aside (``Nombre``, ``Precio``, ``Categoría``; Meta's ``title``, ``price``,
``image_link``). Separators ``,`` ``;`` and tab, UTF-8 with or without BOM, else
Windows-1252. Prices go through the app's one parser (shop.lib.money.parse_amount); a
price written in another currency is refused for its row, never converted.
"""

from __future__ import annotations

import csv
import io
import re
from typing import IO

from flask_babel import gettext as _

from shop.catalog import (
    CATEGORY_NAME_MAX,
    CODE_MAX,
    DESCRIPTION_MAX,
    ITEM_NAME_MAX,
    MAX_PHOTOS,
    CatalogError,
    clean_name,
)
from shop.catalog.items import MAX_STOCK
from shop.lib.money import AmountError, parse_amount
from shop.lib.text import clean_text
from shop.models import Availability
from shop.shops.imports.columns import REQUIRED, columns, guessed, mapped, normalised
from shop.shops.imports.shopify import is_shopify, shopify_cells
from shop.shops.imports.source import (
    MAX_ROWS,
    ImportRefused,
    RowError,
    SourceCatalog,
    SourceItem,
)
from shop.shops.imports.variants import merge_variants
from shop.shops.imports.woocommerce import is_woocommerce, woocommerce_cells

MAX_CELL = 100_000  # characters; a longer cell refuses the file (csv.Error)
SEPARATORS = ",;\t"
SAMPLE_ROWS = 3  # the mapping step shows the cells of this many rows under each header

AVAILABILITY = {
    "instock": Availability.AVAILABLE,
    "available": Availability.AVAILABLE,
    "availablefororder": Availability.AVAILABLE,
    "preorder": Availability.AVAILABLE,
    "disponible": Availability.AVAILABLE,
    "disponivel": Availability.AVAILABLE,
    "si": Availability.AVAILABLE,
    "yes": Availability.AVAILABLE,
    "outofstock": Availability.SOLD_OUT,
    "soldout": Availability.SOLD_OUT,
    "agotado": Availability.SOLD_OUT,
    "esgotado": Availability.SOLD_OUT,
    "discontinued": Availability.HIDDEN,
    "hidden": Availability.HIDDEN,
    "oculto": Availability.HIDDEN,
    "no": Availability.HIDDEN,
}


class NeedsMapping(ImportRefused):
    """A plain sheet whose headers name no name or price column: the merchant says
    which column holds what (the preview's mapping step)."""

    def __init__(
        self, header: list[str], proposal: list[str], samples: list[list[str]] | None = None
    ) -> None:
        super().__init__(
            _(
                "We could not tell which column holds the name and which the price: "
                "choose what each column holds."
            )
        )
        self.header = header
        self.proposal = proposal
        self.samples = samples or []
        self.sheets: list[str] | None = None  # set by the caller for a workbook
        self.sheet: int | None = None


# Meta's template explains its columns in rows such as "# Required | A unique ID...".
COMMENT = re.compile(r"#\s")
FOREIGN = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])|[$€£¥₹₩₽]|R\$")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_sheet(
    file: IO[bytes], currency: str, exponent: int, locale: str, mapping: list[str] | None = None
) -> SourceCatalog:
    """The catalog in a CSV file, prices read in `locale` (the shop's number format, or
    any unambiguous common one); see read_table."""
    text = decode(file.read())
    first = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL)
    try:
        rows = _rows(reader)
    finally:
        csv.field_size_limit(limit)
    return read_table(rows, currency, exponent, locale, mapping)


def read_table(
    rows: list[list[str]],
    currency: str,
    exponent: int,
    locale: str,
    mapping: list[str] | None = None,
) -> SourceCatalog:
    """The catalog in a sheet's rows (the first is the header): Shopify's and
    WooCommerce's exports by their columns, else a plain sheet read through `mapping`
    (the merchant's, one field per column) or its recognised headers. NeedsMapping when
    neither names a name and a price column; MappingError when `mapping` is wrong."""
    numbered = [
        (n, row)
        for n, row in enumerate(rows, start=1)
        if any(c.strip() for c in row) and not COMMENT.match(row[0])
    ]
    if not numbered:
        raise ImportRefused(_("This file is empty."))
    header = numbered.pop(0)[1]
    samples = [row for _n, row in numbered[:SAMPLE_ROWS]]
    plain = None
    if is_shopify(header):
        entries = shopify_cells(header, numbered)
    elif is_woocommerce(header):
        entries = woocommerce_cells(header, numbered)
    else:
        plain = mapping if mapping is not None else guessed(header)
        found = mapped(header, mapping) if mapping is not None else columns(header)
        if "name" not in found or "price" not in found:
            if sum(1 for cell in header if cell.strip()) < len(REQUIRED):
                raise ImportRefused(
                    _(
                        "We need a column for the name and one for the price, with a header "
                        "such as Name and Price, or Nombre and Precio, in the first row."
                    )
                )
            raise NeedsMapping(header, plain, samples)
        entries = [
            (n, {field: (row[i] if i < len(row) else "") for field, i in found.items()})
            for n, row in numbered
        ]
    catalog = SourceCatalog(
        currency=currency,
        header=header if plain else None,
        mapping=plain,
        samples=samples if plain else [],
    )
    read: list[tuple[SourceItem, dict[str, str]]] = []
    for number, cells in entries:
        try:
            read.append((_item(cells, number, currency, exponent, locale), cells))
        except CatalogError as error:
            name = " ".join(cells.get("name", "").split())[:80]
            catalog.errors.append(RowError(number, name, error.message))
    for item in merge_variants(read, catalog):
        catalog.items.append(item)
        if item.category and item.category.casefold() not in {
            known.casefold() for known in catalog.categories
        }:
            catalog.categories.append(item.category)
    return catalog


def _rows(reader) -> list[list[str]]:
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise ImportRefused(
                    _(
                        "This file has more than %(max)d rows; import at most %(max)d at a time.",
                        max=MAX_ROWS,
                    )
                )
    except csv.Error as error:
        raise ImportRefused(
            _(
                "Row %(row)d of this file cannot be read (a cell too long, or a stray quote).",
                row=len(rows) + 1,
            )
        ) from error
    return rows


def _price(text: str, currency: str, exponent: int, locale: str) -> int:
    try:
        return parse_amount(text, currency, exponent, locale)
    except AmountError as error:
        leftover = text.replace(currency, "").strip()
        if FOREIGN.search(leftover):
            raise CatalogError(
                _(
                    "Its price is not in %(currency)s: prices are never converted.",
                    currency=currency,
                )
            ) from error
        raise CatalogError(str(error)) from error


def _item(cells: dict[str, str], row: int, currency: str, exponent: int, locale: str) -> SourceItem:
    name = clean_name(cells.get("name"), ITEM_NAME_MAX)
    if not (cells.get("price") or "").strip():
        raise CatalogError(_("This product has no price."))
    price = _price(cells["price"], currency, exponent, locale)
    compare_at = None
    if (cells.get("sale_price") or "").strip():
        sale = _price(cells["sale_price"], currency, exponent, locale)
        if sale < price:
            price, compare_at = sale, price
    description = clean_text(cells.get("description"))
    if len(description) > DESCRIPTION_MAX:
        raise CatalogError(
            _("The description is longer than %(max)d characters.", max=DESCRIPTION_MAX)
        )
    code = " ".join((cells.get("code") or "").split())
    if len(code) > CODE_MAX:
        raise CatalogError(_("The code is longer than %(max)d characters.", max=CODE_MAX))
    category = " ".join((cells.get("category") or "").split()) or None
    if category:
        category = clean_name(category.split(">")[-1], CATEGORY_NAME_MAX)
    stock = None
    if (cells.get("stock") or "").strip():
        text = cells["stock"].strip()
        if not text.isdigit() or int(text) > MAX_STOCK:
            raise CatalogError(
                _("Its stock is not a whole number from 0 to %(max)d.", max=MAX_STOCK)
            )
        stock = int(text)
    availability = Availability.AVAILABLE
    if (cells.get("availability") or "").strip():
        found = AVAILABILITY.get(normalised(cells["availability"]))
        if found is None:
            raise CatalogError(_("Its availability is not one Vitrina knows."))
        availability = found
    photos = [link.strip() for link in (cells.get("image") or "").split(",")]
    photos += [link.strip() for link in (cells.get("more_images") or "").split(",")]
    photos = list(dict.fromkeys(link for link in photos if link))
    if len(photos) > MAX_PHOTOS:
        raise CatalogError(_("It has more than %(max)d photos.", max=MAX_PHOTOS))
    return SourceItem(
        row=row,
        photos=photos,
        name=name,
        price_minor=price,
        description=description,
        compare_at_minor=compare_at,
        code=code,
        category=category,
        availability=availability,
        stock=stock,
    )
