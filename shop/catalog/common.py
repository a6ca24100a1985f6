"""What every catalog rule shares: limits, the error it raises, names and positions."""

from __future__ import annotations

from typing import Literal

from flask_babel import gettext as _

from shop.lib.text import drop_controls

MAX_PHOTOS = 10
CATEGORY_NAME_MAX = 80
ITEM_NAME_MAX = 150
DESCRIPTION_MAX = 5000
CODE_MAX = 64
PER_PAGE = 50
SEARCH_MAX = 100
# search_items(category=UNCATEGORISED): the items in no category.
UNCATEGORISED = "none"

Direction = Literal["up", "down"]


class CatalogError(ValueError):
    """A change the catalog refuses; `message` is for the merchant, `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def clean_name(text: str | None, limit: int, field: str = "name") -> str:
    """A one-line name: trimmed, inner runs of spaces (and line breaks) made one space."""
    name = " ".join(drop_controls(text or "").split())
    if not name:
        raise CatalogError(_("Enter a name."), field)
    if len(name) > limit:
        raise CatalogError(_("Use at most %(max)d characters.", max=limit), field)
    return name


def renumber(rows: list) -> None:
    """Dense positions 0..n-1 in the given order (rows whose position is right stay clean)."""
    for index, row in enumerate(rows):
        if row.position != index:
            row.position = index
