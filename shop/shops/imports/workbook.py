"""XLSX and ODS spreadsheets (Meta's XLSX template among them) read as rows of text.

python-calamine reads them; before it does, every part of the ZIP is checked: too many
parts, or one that says (or turns out while streamed) it expands past MAX_PART_BYTES,
refuses the file unread, so a zip bomb costs a bounded read and no memory. A workbook
with several sheets holding data asks the merchant which one (NeedsSheet, the
preview's sheet step); the sheet read is then capped at MAX_ROWS rows and MAX_COLUMNS
columns. Numbers are written back as text in the shop's decimal format, so the one
price parser reads them.
"""

from __future__ import annotations

import datetime
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

import python_calamine
from babel.numbers import get_decimal_symbol
from flask_babel import gettext as _

from shop.shops.imports.sheet import MAX_CELL
from shop.shops.imports.source import MAX_PART_BYTES, MAX_ROWS, ImportRefused

MAX_COLUMNS = 200
MAX_PARTS = 1_000
MAX_TOTAL_BYTES = 4 * MAX_PART_BYTES  # all parts together, decompressed
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected XLSX, or old .xls
CHUNK = 1024 * 1024
ODS_MANIFEST = "META-INF/manifest.xml"


def is_workbook(file: IO[bytes]) -> bool:
    """An XLSX or ODS file (a ZIP with a workbook), or an OLE one (.xls, or encrypted)."""
    file.seek(0)
    start = file.read(8)
    file.seek(0)
    if start == OLE_MAGIC:
        return True
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    return "xl/workbook.xml" in names or ("content.xml" in names and "mimetype" in names)


class NeedsSheet(ImportRefused):
    """A workbook with data on several sheets: the merchant says which one to read."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(_("This file has several sheets: choose the one with your products."))
        self.names = names


@dataclass
class Sheet:
    rows: list[list[str]]
    names: list[str]  # every sheet of the workbook, in order
    index: int  # the one read


def workbook_rows(file: IO[bytes], locale: str, sheet: int | None = None) -> Sheet:
    """The rows of sheet number `sheet` as text (None: the only sheet with data, else
    NeedsSheet); ImportRefused when it is damaged, protected by a password, too large
    once expanded, past the row or column cap, or has no such sheet."""
    workbook = _open(file)
    names = [str(name)[:100] for name in workbook.sheet_names]
    if sheet is None:
        filled = [index for index in range(len(names)) if _sheet(workbook, file, index).height]
        if len(filled) > 1:
            raise NeedsSheet(names)
        sheet = filled[0] if filled else 0
    if not 0 <= sheet < max(1, len(names)):
        raise ImportRefused(_("This file has no such sheet: choose one of its sheets."))
    return Sheet(_rows(_sheet(workbook, file, sheet), locale), names, sheet)


def _open(file: IO[bytes]):
    """The workbook, once its parts are checked (an OLE file has none to check)."""
    if file.read(8) != OLE_MAGIC:
        file.seek(0)
        _check_parts(file)
    file.seek(0)
    try:
        return python_calamine.CalamineWorkbook.from_filelike(file)
    except python_calamine.PasswordError as error:
        raise ImportRefused(_protected()) from error
    except (python_calamine.CalamineError, ValueError, OSError, IndexError) as error:
        raise _damaged(file) from error


def _damaged(file: IO[bytes]) -> ImportRefused:
    if file.seek(0) == 0 and file.read(8) == OLE_MAGIC:
        return ImportRefused(_protected())
    return ImportRefused(
        _("This spreadsheet is damaged and cannot be read. Save it again and upload it.")
    )


def _sheet(workbook, file: IO[bytes], index: int):
    try:
        return workbook.get_sheet_by_index(index)
    except python_calamine.PasswordError as error:
        raise ImportRefused(_protected()) from error
    except (python_calamine.CalamineError, ValueError, OSError, IndexError) as error:
        raise _damaged(file) from error


def _rows(sheet, locale: str) -> list[list[str]]:
    if sheet.height > MAX_ROWS + 1:
        raise ImportRefused(
            _(
                "This file has more than %(max)d rows; import at most %(max)d at a time.",
                max=MAX_ROWS,
            )
        )
    if sheet.width > MAX_COLUMNS:
        raise ImportRefused(_("This file has more than %(max)d columns.", max=MAX_COLUMNS))
    decimal = get_decimal_symbol(locale.replace("-", "_"))
    rows = [[_text(cell, decimal) for cell in row] for row in sheet.iter_rows()]
    if any(len(cell) > MAX_CELL for row in rows for cell in row):
        raise ImportRefused(_("A cell of this file is too long to import."))
    return rows


def _protected() -> str:
    return _(
        "This spreadsheet is protected by a password, or saved in the old Excel 97 format: "
        "save it without a password as .xlsx, .ods or .csv and upload it again."
    )


def _check_parts(file: IO[bytes]) -> None:
    """Refuse before reading: too many parts, or parts that expand past the limits (as
    they say, and as they turn out: a part that lies about its size is cut off)."""
    damaged = _("This spreadsheet is damaged and cannot be read. Save it again and upload it.")
    too_big = _("This spreadsheet is too large to import once uncompressed.")
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise ImportRefused(too_big)
            if any(m.file_size > MAX_PART_BYTES for m in members) or (
                sum(m.file_size for m in members) > MAX_TOTAL_BYTES
            ):
                raise ImportRefused(too_big)
            total = 0
            for member in members:
                size = 0
                with archive.open(member) as part:
                    while chunk := part.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                            raise ImportRefused(too_big)
                        if member.filename == ODS_MANIFEST and b"encryption-data" in chunk:
                            raise ImportRefused(_protected())  # an ODS saved with a password
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        if isinstance(error, ImportRefused):
            raise
        raise ImportRefused(damaged) from error


def _text(cell: object, decimal: str) -> str:
    """A cell as the merchant would have typed it in the shop's format."""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float):
        number = Decimal(repr(cell)).normalize()
        if number == number.to_integral_value():
            return str(int(number))
        digits = max(2, -number.as_tuple().exponent)
        return f"{number:.{digits}f}".replace(".", decimal)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, datetime.date | datetime.time | datetime.timedelta):
        return str(cell)
    return "" if cell is None else str(cell)
