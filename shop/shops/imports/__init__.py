"""Bringing a catalog in: a file is read, previewed, then written by a background job.

The merchant uploads a file (shop.shops.imports.staging keeps it), sees what would
change (plan), confirms, and the ``catalog-import`` job (job) writes it in one
transaction (writing). Today the file is a Vitrina export ZIP (source), so a shop moves
between two Vitrina servers whole; spreadsheets and other shops' feeds come next
(docs/import.md).
"""

from shop.shops.imports.plan import Plan, make_plan
from shop.shops.imports.source import ImportRefused, SourceCatalog, read_vitrina_zip
from shop.shops.imports.staging import open_staged, stage_upload, staged_path

__all__ = [
    "ImportRefused",
    "Plan",
    "SourceCatalog",
    "make_plan",
    "open_staged",
    "read_vitrina_zip",
    "stage_upload",
    "staged_path",
]
