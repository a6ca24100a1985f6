"""A large shop's ZIP, made by a background job: no app server waits minutes on it.

The job copies the photos out of media storage one step each (the slow part, and the
part worth not redoing after a crash), then writes the same ZIP as the direct download
(shop.shops.archive) from those copies in a last step. The file can be downloaded for a
day, then the queue's housekeeping removes it. When mail is set up, the merchant is
told by e-mail that it is ready.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import func, select

from shop.extensions import db
from shop.jobs import JobError, RunningJob, job_kind, start_job
from shop.jobs.files import remove_work, result_path, work_dir, write_atomically
from shop.mail import mail_configured, send_mail
from shop.media.storage import StorageError, get_storage
from shop.models import Image, Item, Job, Shop, User, utcnow
from shop.shops.archive import archive_name, image_files, write_archive

KIND = "shop-export"
KEEP_FOR = timedelta(days=1)
PHOTOS_PER_COMMIT = 20
# The job page's URL is made in the request, before the job (and its token) exists.
TOKEN_PLACEHOLDER = "--token--"  # noqa: S105 - not a secret: replaced by the token


def exports_in_background(shop: Shop) -> bool:
    """Large shops (products and photos together) are exported by a job."""
    size = db.session.scalar(select(func.count()).where(Item.shop_id == shop.id)) or 0
    size += db.session.scalar(select(func.count()).where(Image.shop_id == shop.id)) or 0
    return size >= current_app.config["EXPORT_IN_BACKGROUND_FROM"]


def start_export(shop: Shop, user_id: int, page_url: str) -> Job:
    """Start (or follow, if one is running) the shop's export job. `page_url` is where the
    merchant follows it, with TOKEN_PLACEHOLDER for the job's token (for the e-mail)."""
    return start_job(KIND, shop_id=shop.id, user_id=user_id, params={"page_url": page_url})


@job_kind(KIND, tries=3, exclusive=True)
def export_shop(job: RunningJob) -> dict:
    shop = db.session.get(Shop, job.shop_id) if job.shop_id else None
    if shop is None:
        raise JobError(_("This shop no longer exists."), retry=False)
    names = sorted(set(image_files(shop).values()))
    db.session.commit()
    job.set_total(len(names) + 1)
    folder = work_dir(job.id) / "photos"
    storage = get_storage()
    try:
        # Recorded 20 at a time: a copy is safe to redo, a commit per photo is not free.
        for name in job.steps(names, key=lambda name: f"photo:{name}", batch=PHOTOS_PER_COMMIT):
            _copy(storage, name, folder)
    except StorageError as error:
        raise JobError(
            _("Your photos could not be read just now. Please try again in a minute.")
        ) from error
    for _step in job.steps(["archive"]):
        _write_zip(db.session.get(Shop, job.shop_id), folder, result_path(job.token))
    remove_work(job.id)
    job.keep_until(utcnow() + KEEP_FOR)
    shop = db.session.get(Shop, job.shop_id)
    result = {
        "name": archive_name(shop, date.today()),
        "size": result_path(job.token).stat().st_size,
        "photos": len(names),
    }
    _tell_the_merchant(job, shop)
    return result


def _write_zip(shop: Shop, folder: Path, target: Path) -> None:
    """The same ZIP as the direct download, its photos read from the job's copies."""

    def open_copy(name: str):
        return (folder / name).open("rb")

    write_atomically(target, lambda file: write_archive(shop, file, open_copy))
    db.session.commit()  # ends the reads: no transaction outlives the step


def _copy(storage, name: str, folder: Path) -> None:
    """One photo out of storage into the job's folder, whole or not at all."""
    try:
        source = storage.open(name)
    except FileNotFoundError:
        return  # left out of the ZIP and named in its README, as in the direct download
    with source:
        write_atomically(folder / name, lambda target: shutil.copyfileobj(source, target))


def _tell_the_merchant(job: RunningJob, shop: Shop) -> None:
    user = db.session.get(User, job.user_id) if job.user_id else None
    if not (user and user.email and mail_configured()):
        return
    page_url = (job.params.get("page_url") or "").replace(TOKEN_PLACEHOLDER, job.token)
    send_mail(
        user.email,
        _("Your download of %(name)s is ready", name=shop.name),
        render_template("mail/export_ready.txt", shop=shop, page_url=page_url),
        locale=job.locale,
        shop_id=shop.id,
        user_id=user.id,
    )
