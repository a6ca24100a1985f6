"""A Vitrina export ZIP read back as a catalog: what the importer can write, row by row.

Every cell is untrusted: sizes are checked before anything is decompressed (a ZIP
whose parts expand past MAX_PART_BYTES is refused unread), rows past MAX_ROWS are
refused with a message, and each item is checked against the catalog's own limits so
the preview can name every row that cannot come in and why, in the merchant's words.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
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
from shop.catalog.options import (
    CHOICE_NAME_MAX,
    GROUP_NAME_MAX,
    MAX_CHOICES,
    MAX_COMBINATIONS,
    MAX_GROUPS,
    MAX_VARIANT_GROUPS,
    VARIANT_KINDS,
)
from shop.lib.money import MAX_MINOR_UNITS
from shop.lib.text import clean_text
from shop.models import Availability, OptionKind
from shop.shops.imports.discounts import SourceDiscount, read_discounts

MAX_ROWS = 5000
MAX_PART_BYTES = 50 * 1024 * 1024  # one JSON part of the ZIP, decompressed
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # the photo pipeline's own cap
MAX_MEMBERS = 60_000  # 5,000 items with up to ten photos, and the data files

# A variant combination, named by its choices: ((group name, choice name), ...).
VariantNames = tuple[tuple[str, str], ...]


class ImportRefused(ValueError):
    """The whole file cannot be imported; str() is the message for the merchant."""


@dataclass
class SourceGroup:
    name: str
    kind: OptionKind
    min_choices: int
    max_choices: int
    choices: list[tuple[str, int]]  # (name, price change in minor units)
    is_variant: bool = False  # its choices make variants (sizes and colours always do)
    # The choices' ids in the file, beside `choices`: the stock rows name them.
    source_ids: list[object] = field(default_factory=list, compare=False)


@dataclass
class SourceItem:
    row: int  # the row of catalog/items.csv it came from (the header is row 1)
    name: str
    price_minor: int
    description: str = ""
    compare_at_minor: int | None = None
    code: str = ""
    category: str | None = None
    availability: Availability = Availability.AVAILABLE
    is_service: bool = False
    stock: int | None = None
    groups: list[SourceGroup] = field(default_factory=list)
    variant_stock: dict[VariantNames, int] = field(default_factory=dict)
    photos: list[str] = field(default_factory=list)  # members of the ZIP, cover first


@dataclass
class SourceShipping:
    name: str
    price_minor: int
    needs_address: bool
    active: bool
    free_above_minor: int | None


@dataclass(frozen=True)
class RowError:
    row: int
    name: str
    reason: str


@dataclass
class SourceCatalog:
    currency: str
    categories: list[str] = field(default_factory=list)
    items: list[SourceItem] = field(default_factory=list)
    shipping: list[SourceShipping] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    discounts: list[SourceDiscount] = field(default_factory=list)
    discounts_left_out: list[tuple[str, str]] = field(default_factory=list)  # (label, why)
    # A plain sheet's header row and the field read from each column (the mapping step),
    # with the cells of its first rows to show under each header.
    header: list[str] | None = None
    mapping: list[str] | None = None
    samples: list[list[str]] = field(default_factory=list)
    # A workbook's sheets (when it has several) and the one read.
    sheets: list[str] | None = None
    sheet: int | None = None

    @property
    def photo_names(self) -> list[str]:
        return sorted({name for item in self.items for name in item.photos})


def read_vitrina_zip(file: IO[bytes], currency: str, exponent: int) -> SourceCatalog:
    """The catalog in a Vitrina export, for a shop in `currency`; ImportRefused if the
    file is not one, is too big, or counts in another currency."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRefused(_("This file is not a ZIP file made by Vitrina.")) from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ImportRefused(_("This ZIP file holds too many files."))
        names = {member.filename: member for member in members}
        if "shop.json" not in names or "catalog/items.json" not in names:
            raise ImportRefused(_("This file is not a ZIP file made by Vitrina."))
        shop = _json(archive, names, "shop.json")
        if not isinstance(shop, dict):
            raise ImportRefused(_("This file is not a ZIP file made by Vitrina."))
        if shop.get("currency") != currency or shop.get("currency_exponent") != exponent:
            raise ImportRefused(
                _(
                    "The prices in this file are in %(theirs)s and your shop counts in "
                    "%(ours)s: nothing was imported, no price is converted.",
                    theirs=str(shop.get("currency"))[:3],
                    ours=currency,
                )
            )
        return _catalog(archive, names, currency)


def _catalog(archive: zipfile.ZipFile, names: dict, currency: str) -> SourceCatalog:
    catalog = SourceCatalog(currency=currency)
    categories = {}
    for record in sorted(_list(archive, names, "catalog/categories.json"), key=_position):
        try:
            name = clean_name(_text(record.get("name")), CATEGORY_NAME_MAX)
        except CatalogError:
            continue
        categories[record.get("id")] = name
        if name.casefold() not in {known.casefold() for known in catalog.categories}:
            catalog.categories.append(name)
    groups = _groups(archive, names)
    stock = _variant_stock(archive, names, groups)
    records = _list(archive, names, "catalog/items.json")
    if len(records) > MAX_ROWS:
        raise ImportRefused(
            _(
                "This file has %(count)d products; import at most %(max)d at a time.",
                count=len(records),
                max=MAX_ROWS,
            )
        )
    for index, record in enumerate(records):
        row = index + 2
        try:
            item = _item(record, row, categories, names)
            item.groups = [group for _id, group in groups.get(record.get("id"), [])]
            item.variant_stock = stock.get(record.get("id"), {})
            _check_groups(item)
        except CatalogError as error:
            name = _text(record.get("name") if isinstance(record, dict) else "")[:80]
            catalog.errors.append(RowError(row, name, error.message))
            continue
        catalog.items.append(item)
    for record in sorted(_list(archive, names, "shipping_methods.json"), key=_position):
        method = _shipping(record)
        if method is not None:
            catalog.shipping.append(method)
    # Exports made before discounts had their own file kept them in more/.
    records = _list(archive, names, "discounts.json") or _list(archive, names, "more/discount.json")
    catalog.discounts, catalog.discounts_left_out = read_discounts(records, categories)
    return catalog


def _item(record: object, row: int, categories: dict, names: dict) -> SourceItem:
    if not isinstance(record, dict):
        raise CatalogError(_("This row is not a product."))
    name = clean_name(_text(record.get("name")), ITEM_NAME_MAX)
    description = clean_text(_text(record.get("description")))
    if len(description) > DESCRIPTION_MAX:
        raise CatalogError(
            _("The description is longer than %(max)d characters.", max=DESCRIPTION_MAX)
        )
    code = " ".join(_text(record.get("code")).split())
    if len(code) > CODE_MAX:
        raise CatalogError(_("The code is longer than %(max)d characters.", max=CODE_MAX))
    price = _amount(record.get("price_minor"))
    if price is None:
        raise CatalogError(_("This product has no price."))
    compare_at = _amount(record.get("compare_at_minor"))
    if compare_at is not None and compare_at <= price:
        compare_at = None  # a "before" price that is not higher means no sale
    try:
        availability = Availability(record.get("availability") or "available")
    except ValueError as error:
        raise CatalogError(_("Its availability is not one Vitrina knows.")) from error
    stock = record.get("stock")
    if stock is not None and not _whole(stock, MAX_STOCK):
        raise CatalogError(_("Its stock is not a whole number from 0 to %(max)d.", max=MAX_STOCK))
    photos = record.get("photos") or []
    if not isinstance(photos, list):
        photos = []
    if len(photos) > MAX_PHOTOS:
        raise CatalogError(_("It has more than %(max)d photos.", max=MAX_PHOTOS))
    return SourceItem(
        row=row,
        name=name,
        price_minor=price,
        description=description,
        compare_at_minor=compare_at,
        code=code,
        category=categories.get(record.get("category_id")),
        availability=availability,
        is_service=record.get("is_service") is True,
        stock=stock,
        # A photo missing from the ZIP is left out, as the export's README says.
        photos=[f"photos/{p}" for p in photos if isinstance(p, str) and f"photos/{p}" in names],
    )


def _groups(archive, names) -> dict[object, list[tuple[object, SourceGroup]]]:
    """Each item's option groups (with their old ids), in order, choices in order."""
    choices: dict[object, list[dict]] = {}
    for record in _list(archive, names, "more/option_choice.json"):
        if isinstance(record, dict):
            choices.setdefault(record.get("group_id"), []).append(record)
    found: dict[object, list[tuple[object, SourceGroup]]] = {}
    for record in sorted(_list(archive, names, "more/option_group.json"), key=_position):
        if not isinstance(record, dict):
            continue
        own = sorted(choices.get(record.get("id"), []), key=_position)
        try:
            kind = OptionKind(record.get("kind") or "other")
        except ValueError:
            kind = OptionKind.OTHER
        variant = record.get("is_variant")  # an export from before 0026: sizes and colours
        group = SourceGroup(
            name=_text(record.get("name")),
            kind=kind,
            is_variant=variant is True or variant == 1 or kind in VARIANT_KINDS,
            min_choices=record.get("min_choices") if _whole(record.get("min_choices"), 50) else 0,
            max_choices=record.get("max_choices") if _whole(record.get("max_choices"), 50) else 1,
            choices=[(_text(c.get("name")), _delta(c.get("price_delta_minor"))) for c in own],
            source_ids=[c.get("id") for c in own],
        )
        found.setdefault(record.get("item_id"), []).append((record.get("id"), group))
    return found


def _variant_stock(archive, names, groups) -> dict[object, dict[VariantNames, int]]:
    """Stock per combination, its old choice ids turned into (group, choice) names."""
    by_choice: dict[str, tuple[str, str]] = {}
    for item_groups in groups.values():
        for _id, group in item_groups:
            for choice_id, (choice, _change) in zip(group.source_ids, group.choices, strict=True):
                by_choice[str(choice_id)] = (" ".join(group.name.split()), " ".join(choice.split()))
    found: dict[object, dict[VariantNames, int]] = {}
    for record in _list(archive, names, "more/variant_stock.json"):
        if not isinstance(record, dict) or not _whole(record.get("stock"), MAX_STOCK):
            continue
        parts = str(record.get("key") or "").split("-")
        if not all(part in by_choice for part in parts):
            continue
        combo = tuple(sorted(by_choice[part] for part in parts))
        found.setdefault(record.get("item_id"), {})[combo] = record["stock"]
    return found


def _check_groups(item: SourceItem) -> None:
    if len(item.groups) > MAX_GROUPS:
        raise CatalogError(_("It has more than %(max)d option groups.", max=MAX_GROUPS))
    for group in item.groups:
        group.name = clean_name(group.name, GROUP_NAME_MAX)
        if not group.choices or len(group.choices) > MAX_CHOICES:
            raise CatalogError(
                _("Its option “%(name)s” has no choices or too many.", name=group.name)
            )
        group.choices = [
            (clean_name(choice, CHOICE_NAME_MAX), delta) for choice, delta in group.choices
        ]
        if group.is_variant:  # one choice each, as the catalog's rules want
            group.min_choices, group.max_choices = min(group.min_choices, 1), 1
    check_variants([len(g.choices) for g in item.groups if g.is_variant])


def check_variants(counts: list[int]) -> None:
    """The catalog's limits on variants, checked before anything is written: at most
    MAX_VARIANT_GROUPS variant groups making at most MAX_COMBINATIONS combinations."""
    if len(counts) > MAX_VARIANT_GROUPS:
        raise CatalogError(_("It has more than %(max)d kinds of variant.", max=MAX_VARIANT_GROUPS))
    combinations = 1
    for count in counts:
        combinations *= max(1, count)
    if combinations > MAX_COMBINATIONS:
        raise CatalogError(
            _(
                "Its variants would make %(count)d combinations; at most %(max)d.",
                count=combinations,
                max=MAX_COMBINATIONS,
            )
        )


def _shipping(record: object) -> SourceShipping | None:
    if not isinstance(record, dict):
        return None
    try:
        name = clean_name(_text(record.get("name")), 80)
    except CatalogError:
        return None
    price = _amount(record.get("price_minor"))
    return SourceShipping(
        name=name,
        price_minor=price or 0,
        needs_address=record.get("needs_address") is not False,
        active=record.get("active") is not False,
        free_above_minor=_amount(record.get("free_above_minor")),
    )


# -- Reading parts and cells -----------------------------------------------------------


def _json(archive: zipfile.ZipFile, names: dict, name: str) -> object:
    """One JSON part, refused before it is decompressed when it says it is too big
    (and cut off if it lies about its size)."""
    member = names.get(name)
    if member is None:
        return None
    if member.file_size > MAX_PART_BYTES:
        raise ImportRefused(_("This ZIP file is too large to import."))
    try:
        with archive.open(member) as part:
            data = part.read(MAX_PART_BYTES + 1)
        if len(data) > MAX_PART_BYTES:
            raise ImportRefused(_("This ZIP file is too large to import."))
        return json.loads(data.decode("utf-8-sig"))
    except (zipfile.BadZipFile, OSError, ValueError, RecursionError) as error:
        if isinstance(error, ImportRefused):
            raise
        raise ImportRefused(_("Part of this ZIP file is damaged: %(name)s.", name=name)) from error


def _list(archive, names, name) -> list:
    value = _json(archive, names, name)
    return value if isinstance(value, list) else []


def read_photo(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """A photo's bytes, or None when it is too big or damaged (the item comes in without)."""
    try:
        member = archive.getinfo(name)
        if member.file_size > MAX_PHOTO_BYTES:
            return None
        with archive.open(member) as part:
            data = part.read(MAX_PHOTO_BYTES + 1)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None
    return data if len(data) <= MAX_PHOTO_BYTES else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _whole(value: object, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= high


def _amount(value: object) -> int | None:
    return value if _whole(value, MAX_MINOR_UNITS) else None  # type: ignore[return-value]


def _delta(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_MINOR_UNITS:
        return value
    return 0


def _position(record: object) -> tuple[int, int]:
    if not isinstance(record, dict):
        return (0, 0)
    position, key = record.get("position"), record.get("id")
    return (position if isinstance(position, int) else 0, key if isinstance(key, int) else 0)
