"""The ``catalog-import`` job: photos first, one step each batch, then the catalog at once.

Photos are the slow part and safe to redo (the pipeline gives back the same Image for
the same pixels), so they are recorded in batches; the id each one got is kept in the
job's work folder. The catalog is then written in one step, one transaction: a worker
killed in it leaves nothing, and its retry writes the catalog once. One import per
shop at a time (the kind is exclusive); the staged file is removed once it is in.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from shop.activity import record
from shop.extensions import db
from shop.jobs import JobError, RunningJob, job_kind, periodic, start_job
from shop.jobs.files import work_dir, write_atomically
from shop.lib.locales import shop_locale
from shop.lib.safe_fetch import FetchRefused, fetch
from shop.media.pipeline import ImageRejected, ingest
from shop.media.storage import StorageError
from shop.models import ActivityKind, Job, JobStep, Shop
from shop.models.catalog_version import moves_once
from shop.shops.imports.sheet import NeedsMapping, read_sheet, read_table
from shop.shops.imports.source import (
    MAX_PHOTO_BYTES,
    ImportRefused,
    SourceCatalog,
    read_photo,
    read_vitrina_zip,
)
from shop.shops.imports.staging import (
    prune_staged,
    remove_staged,
    staged_mapping,
    staged_path,
    staged_sheet,
)
from shop.shops.imports.workbook import is_workbook, workbook_rows
from shop.shops.imports.writing import write_catalog

KIND = "catalog-import"
ZIP_MAGIC = b"PK\x03\x04"
PHOTOS_PER_COMMIT = 10
KEEP_UPLOADS = timedelta(days=1)
logger = logging.getLogger("shop.imports")


def start_import(shop: Shop, user_id: int, token: str) -> Job:
    """Start the import of the staged file `token` (or follow the one running)."""
    return start_job(KIND, shop_id=shop.id, user_id=user_id, params={"upload": token})


def read_staged(
    shop: Shop, token: str, mapping: list[str] | None = None, sheet: int | None = None
) -> SourceCatalog:
    """The staged file's catalog, a plain sheet read through `mapping` (else the one
    saved for it, else its headers), a workbook's sheet number `sheet` (else the one
    chosen for it); ImportRefused when it is gone or cannot be read."""
    path = staged_path(shop.id, token)
    if path is None:
        raise ImportRefused(_("This file was imported already, or it is too old: upload it again."))
    money = (shop.currency, shop.currency_exponent, shop_locale(shop))
    mapping = mapping if mapping is not None else staged_mapping(shop.id, token)
    with path.open("rb") as file:
        if file.read(4) == ZIP_MAGIC and not zipfile.is_zipfile(file):
            raise ImportRefused(
                _("This file is damaged and cannot be read. Save it again and upload it.")
            )
        if is_workbook(file):
            chosen = sheet if sheet is not None else staged_sheet(shop.id, token)
            return _read_workbook(file, money, mapping, chosen)
        if file.read(4) == ZIP_MAGIC:
            file.seek(0)
            return read_vitrina_zip(file, shop.currency, shop.currency_exponent)
        file.seek(0)
        return read_sheet(file, *money, mapping)


def _read_workbook(file, money: tuple, mapping: list[str] | None, sheet: int | None):
    """A workbook's sheet as a catalog, which knows the sheets it could have been."""
    found = workbook_rows(file, money[2], sheet)
    several = found.names if len(found.names) > 1 else None
    try:
        catalog = read_table(found.rows, *money, mapping)
    except NeedsMapping as need:
        need.sheets, need.sheet = several, found.index
        raise
    catalog.sheets, catalog.sheet = several, found.index
    return catalog


@job_kind(KIND, tries=3, exclusive=True)
def import_catalog(job: RunningJob) -> dict:
    shop = db.session.get(Shop, job.shop_id) if job.shop_id else None
    if shop is None:
        raise JobError(_("This shop no longer exists."), retry=False)
    token = job.params.get("upload", "")
    written = select(JobStep.key).where(JobStep.job_id == job.id, JobStep.key == "catalog")
    if db.session.scalar(written) is None:  # else the catalog is in: a retry only finishes
        _import(job, shop, token, work_dir(job.id))
    remove_staged(job.shop_id, token)
    # The work folder (photo ids) goes with the job's row (jobs-prune).
    return db.session.scalar(select(Job.result).where(Job.id == job.id))


def _import(job: RunningJob, shop: Shop, token: str, folder: Path) -> None:
    try:
        catalog = read_staged(shop, token)
    except ImportRefused as error:
        raise JobError(str(error), retry=False) from error
    names = catalog.photo_names
    db.session.commit()
    batches = [names[i : i + PHOTOS_PER_COMMIT] for i in range(0, len(names), PHOTOS_PER_COMMIT)]
    job.set_total(len(batches) + 1)  # the bar moves one batch of photos at a time
    with staged_path(job.shop_id, token).open("rb") as file:
        vitrina = file.read(4) == ZIP_MAGIC and not is_workbook(file)
        archive = zipfile.ZipFile(file) if vitrina else None
        for number in job.steps(range(len(batches)), key=lambda number: f"photos:{number}"):
            _photo_batch(job.shop_id, archive, batches[number], folder)
    images, failed = _photo_results(folder, names)
    for _step in job.steps(["catalog"]):
        with moves_once(db.session, job.shop_id):  # shoppers' caches: one change
            report = write_catalog(db.session.get(Shop, job.shop_id), catalog, images)
        result = report.as_dict() | {"photos": len(images), "photos_failed": failed}
        counts = {key: value for key, value in result.items() if type(value) is int}
        record(job.shop_id, ActivityKind.IMPORT, by=job.user_id, details=counts)
        # The report commits with the catalog and the step: a retry finds all three.
        db.session.execute(update(Job).where(Job.id == job.id).values(result=result))


@periodic("imports-prune", every=timedelta(hours=1))
def prune_uploads(job: RunningJob) -> dict:
    """Uploads whose preview was never confirmed are removed after a day."""
    return {"removed": prune_staged(KEEP_UPLOADS.total_seconds())}


def _photo_bytes(archive: zipfile.ZipFile | None, name: str) -> bytes | None:
    """A photo of the ZIP, or one fetched from its URL through the SSRF guard."""
    if archive is not None and not name.startswith(("http://", "https://")):
        return read_photo(archive, name)
    config = current_app.config
    try:
        return fetch(
            name,
            allow_hosts=config["IMPORT_FETCH_ALLOW_HOSTS"],
            max_bytes=MAX_PHOTO_BYTES,
            timeout=config["IMPORT_FETCH_TIMEOUT"],
        ).data
    except FetchRefused as refused:
        logger.info("Import photo not fetched (%s): %.200s", refused.reason, name)
        return None


def _photo_batch(
    shop_id: int, archive: zipfile.ZipFile | None, names: list[str], folder: Path
) -> None:
    """Process each photo through the upload pipeline; note the Image id it got (or why
    it could not come in), committed with the batch's step."""
    shop = db.session.get(Shop, shop_id)
    outcome = {}
    for name in names:
        data = _photo_bytes(archive, name)
        if data is None:
            outcome[name] = None
            continue
        try:
            outcome[name] = ingest(shop, io.BytesIO(data)).id
        except ImageRejected:
            outcome[name] = None
        except StorageError as error:
            raise JobError(
                _("Your photos could not be stored just now. The import will try again.")
            ) from error
    for name, image_id in outcome.items():
        marker = _marker(folder, name)
        write_atomically(marker, lambda f, v=image_id: f.write(json.dumps(v).encode()))


def _photo_results(folder: Path, names: list[str]) -> tuple[dict[str, int], list[str]]:
    images, failed = {}, []
    for name in names:
        marker = _marker(folder, name)
        image_id = json.loads(marker.read_text()) if marker.is_file() else None
        if isinstance(image_id, int):
            images[name] = image_id
        else:
            failed.append(name.removeprefix("photos/")[:300])
    return images, failed


def _marker(folder: Path, name: str) -> Path:
    """Where the Image id a photo got is kept (a URL makes no file name: its hash does)."""
    return folder / f"{hashlib.sha256(name.encode()).hexdigest()}.id"
