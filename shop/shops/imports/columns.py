"""Which column of a spreadsheet fills which field: recognised from the headers, or as
the merchant mapped them on the preview when the headers say nothing we know.

Headers are compared as people write them (accents, case, spaces and punctuation
aside), in English, Spanish and Portuguese. A mapping is a list with one field (or
``IGNORE``) per column, checked here so the preview and the job read it the same way.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shop.shops.imports.source import ImportRefused

IGNORE = "ignore"
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
    "group": ("itemgroupid", "grupo", "grupodevariantes", "variantgroup"),
    "size": ("size", "talla", "tamano", "tamanho"),
    "color": ("color", "colour", "cor"),
    "material": ("material", "materiales", "materiais"),
    "pattern": ("pattern", "estampado", "estampa", "patron", "padrao"),
    "variant_attributes": ("additionalvariantattribute", "otrasvariantes", "outrasvariantes"),
}
REQUIRED = ("name", "price")
# What the mapping step offers for each column, in this order.
LABELS = {
    "name": _l("Name"),
    "price": _l("Price"),
    "sale_price": _l("Sale price"),
    "category": _l("Category"),
    "description": _l("Description"),
    "image": _l("Image URL"),
    "more_images": _l("More image URLs"),
    "code": _l("Code (SKU)"),
    "stock": _l("Stock"),
    "availability": _l("Availability"),
    "group": _l("Variant group"),
    "size": _l("Size"),
    "color": _l("Colour"),
    "material": _l("Material"),
    "pattern": _l("Pattern"),
    "variant_attributes": _l("Other variants (Label:Value)"),
    IGNORE: _l("Leave out"),
}


class MappingError(ImportRefused):
    """The merchant's mapping cannot be read as it is; str() says why, for them."""


def normalised(header: str) -> str:
    """``Categoría `` -> ``categoria``: accents, case, spaces and punctuation aside."""
    text = unicodedata.normalize("NFKD", header or "")
    return "".join(ch for ch in text.casefold() if ch.isalnum() and ch.isascii())


def columns(header: list[str]) -> dict[str, int]:
    """Field -> column index, from the header row (a repeated header: its first column)."""
    found: dict[str, int] = {}
    names = [normalised(cell) for cell in header]
    for field, synonyms in HEADERS.items():
        for synonym in synonyms:
            if synonym in names and names.index(synonym) not in found.values():
                found[field] = names.index(synonym)
                break
    return found


def guessed(header: list[str]) -> list[str]:
    """The mapping the recognition proposes: a field or IGNORE per column."""
    by_column = {index: field for field, index in columns(header).items()}
    return [by_column.get(index, IGNORE) for index in range(len(header))]


def mapped(header: list[str], choice: list[str]) -> dict[str, int]:
    """Field -> column index from the merchant's choice, one per column; MappingError
    when a field is picked twice, a required one is missing, or the choice does not fit
    the file."""
    if len(choice) != len(header) or any(field not in LABELS for field in choice):
        raise MappingError(_("Choose what each column holds."))
    found: dict[str, int] = {}
    for index, field in enumerate(choice):
        if field == IGNORE:
            continue
        if field in found:
            raise MappingError(
                _(
                    "Columns %(first)d and %(second)d are both set to “%(field)s”: choose one.",
                    first=found[field] + 1,
                    second=index + 1,
                    field=LABELS[field],
                )
            )
        found[field] = index
    missing = [str(LABELS[field]) for field in REQUIRED if field not in found]
    if missing:
        raise MappingError(
            _("Choose the column that holds: %(fields)s.", fields=", ".join(missing))
        )
    return found
