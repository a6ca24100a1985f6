"""A job the merchant started: its progress, its report, and its file to download.

Only a member whose role may export the job's shop can see it; the token in the URL
is unguessable and a file can be downloaded until it expires. The page works without JavaScript (it
reloads itself while the job runs); with it, the bar moves every second.
"""

from __future__ import annotations

from flask import abort, render_template, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from shop.dashboard.access import shops_allowing
from shop.dashboard.blueprint import bp
from shop.extensions import db
from shop.jobs.files import result_path
from shop.mail import mail_configured
from shop.models import Job, JobState, Shop, utcnow
from shop.shops.imports.undo import can_undo
from shop.shops.roles import Capability

TOKEN_LENGTH = 43
LABELS = {
    "shop-export": _l("Download of your shop"),
    "catalog-import": _l("Import of a catalog"),
    "mail": _l("E-mail"),
}
STATES = {
    JobState.QUEUED: _l("Waiting to start"),
    JobState.RUNNING: _l("In progress"),
    JobState.DONE: _l("Done"),
    JobState.FAILED: _l("Failed"),
}


def job_of_my_shops_or_404(token: str) -> Job:
    if len(token) != TOKEN_LENGTH:
        abort(404)
    mine = shops_allowing(Capability.EXPORT)
    job = db.session.scalar(select(Job).where(Job.token == token, Job.shop_id.in_(mine)))
    if job is None:
        abort(404)
    return job


def recent_jobs(shop: Shop, limit: int = 10) -> list[Job]:
    """The shop's jobs a merchant started, newest first (the queue's own are not theirs)."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.shop_id == shop.id, Job.user_id.is_not(None), Job.kind != "mail")
            .order_by(Job.created_at.desc(), Job.id.desc())
            .limit(limit)
        )
    )


def downloadable(job: Job) -> bool:
    return (
        job.state is JobState.DONE
        and job.expires_at is not None
        and job.expires_at > utcnow()
        and result_path(job.token).is_file()
    )


def error_text(job: Job) -> str:
    error = job.error or {}
    if error.get("message"):
        return error["message"]
    return _(
        "Something went wrong on our side and it has been logged. If it keeps happening, "
        "write to us with this reference: %(reference)s",
        reference=error.get("reference", job.token[:12]),
    )


def progress(job: Job) -> dict:
    """What the progress bar shows, as the page and its JSON both need it."""
    return {
        "state": job.state.value,
        "state_label": str(STATES[job.state]),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "active": job.active,
    }


@bp.get("/jobs/<job_token>")
def job_page(job_token: str):
    job = job_of_my_shops_or_404(job_token)
    return render_template(
        "dashboard/job.html",
        job=job,
        shop=db.session.get(Shop, job.shop_id),
        label=LABELS.get(job.kind, job.kind),
        progress=progress(job),
        downloadable=downloadable(job),
        error=error_text(job) if job.state is JobState.FAILED else None,
        # Only the export tells the merchant by e-mail, and only when this server sends mail.
        mail_to=current_user.email if job.kind == "shop-export" and mail_configured() else None,
        undoable=can_undo(job),
    )


@bp.get("/jobs/<job_token>/progress")
def job_progress(job_token: str):
    response = progress(job_of_my_shops_or_404(job_token))
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/jobs/<job_token>/download")
def job_download(job_token: str):
    job = job_of_my_shops_or_404(job_token)
    if not downloadable(job):
        abort(410 if job.state is JobState.DONE else 404)
    return send_file(
        result_path(job.token),
        mimetype="application/zip",
        as_attachment=True,
        download_name=(job.result or {}).get("name", "vitrina.zip"),
        max_age=0,
    )
