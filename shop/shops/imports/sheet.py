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
import unicodedata
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
from shop.shops.imports.source import MAX_ROWS, ImportRefused, RowError, SourceCatalog, SourceItem

MAX_CELL = 100_000  # characters; a longer cell refuses the file (csv.Error)
SEPARATORS = ",;\t"

# Normalised header -> the field it fills (first match wins, see HEADERS order).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "title", "nombre", "producto", "product", "titulo", "nome", "articulo"),
    "price": ("price", "precio", "preco", "valor", "pvp"),
    "sale_price": ("saleprice", "preciooferta", "preciorebajado", "precopromocional"),
    "description": ("description", "descripcion", "descricao", "detalle", "detalles"),
    "category": ("category", "categoria", "producttype", "tipo", "seccion", "coleccion"),
    "code": ("code", "sku", "codigo", "referencia", "ref", "itemcode", "id"),
    "stock": ("stock", "existencias", "inventory", "inventario", "cantidad", "quantity", "estoque"),
    "availability": ("availability", "disponibilidad", "disponibilidade", "estado"),
    "image": ("imagelink", "image", "imageurl", "imagen", "urlimagen", "foto", "photo", "imagem"),
    "more_images": ("additionalimagelink", "imagenesadicionales", "fotosadicionales"),
}
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
FOREIGN = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])|[$€£¥₹₩₽]|R\$")


def normalised(header: str) -> str:
    """``Categoría `` -> ``categoria``: accents, case, spaces and punctuation aside."""
    text = unicodedata.normalize("NFKD", header or "")
    return "".join(ch for ch in text.casefold() if ch.isalnum() and ch.isascii())


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def columns(header: list[str]) -> dict[str, int]:
    """Field -> column index, from the header row."""
    found: dict[str, int] = {}
    names = [normalised(cell) for cell in header]
    for field, synonyms in HEADERS.items():
        for synonym in synonyms:
            if synonym in names and names.index(synonym) not in found.values():
                found[field] = names.index(synonym)
                break
    return found


def read_sheet(file: IO[bytes], currency: str, exponent: int, locale: str) -> SourceCatalog:
    """The catalog in a CSV file, prices read in `locale` (the shop's number format, or
    any unambiguous common one); ImportRefused when it has no name or price column."""
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
    if not rows:
        raise ImportRefused(_("This file is empty."))
    found = columns(rows[0])
    if "name" not in found or "price" not in found:
        raise ImportRefused(
            _(
                "We need a column for the name and one for the price, with a header such "
                "as Name and Price, or Nombre and Precio, in the first row."
            )
        )
    catalog = SourceCatalog(currency=currency)
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {field: (row[index] if index < len(row) else "") for field, index in found.items()}
        try:
            item = _item(cells, number, currency, exponent, locale)
        except CatalogError as error:
            name = " ".join(cells.get("name", "").split())[:80]
            catalog.errors.append(RowError(number, name, error.message))
            continue
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
    photos = [(cells.get("image") or "").strip()]
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
