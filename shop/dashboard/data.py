"""Your data: download the whole shop as a ZIP, or delete the shop for good."""

from __future__ import annotations

import tempfile
from datetime import date

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.jobs import recent_jobs
from shop.extensions import db
from shop.media.storage import StorageError
from shop.shops.archive import archive_name, write_archive
from shop.shops.deletion import WrongConfirmation, delete_shop, remove_files
from shop.shops.export_job import TOKEN_PLACEHOLDER, exports_in_background, start_export

# Spooled in memory up to this size, then on disk: a shop with its photos can be large.
SPOOL_BYTES = 8 * 1024 * 1024


class DeleteShopForm(FlaskForm):
    """The shop's name, typed to confirm: the rule (shop.shops.deletion) compares it."""

    name = StringField(_l("Type the shop's name to confirm"))


@bp.get("/data")
@shop_required
def your_data():
    shop = current_shop()
    return render_template(
        "dashboard/data.html", shop=shop, form=DeleteShopForm(), jobs=recent_jobs(shop)
    )


@bp.post("/data/export")
@shop_required
def export_shop():
    """The whole shop as one ZIP, spooled to a temporary file and streamed from it; a
    large shop's is made by a background job, whose page the merchant is sent to."""
    shop = current_shop()
    if exports_in_background(shop):
        page_url = url_for(".job_page", job_token=TOKEN_PLACEHOLDER, _external=True)
        job = start_export(shop, current_user.id, page_url)
        return redirect(url_for(".job_page", job_token=job.token), code=303)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    try:
        write_archive(shop, spool)
    except StorageError as error:
        spool.close()
        current_app.logger.warning("Export of shop %s: media storage failed: %s", shop.id, error)
        flash(_("Your photos could not be read just now. Please try again in a minute."), "error")
        return redirect(url_for(".your_data"), code=303)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name=archive_name(shop, date.today()),
        max_age=0,
    )


@bp.post("/data/delete")
@shop_required
def delete_current_shop():
    """Delete the shop once its name is typed; its photos leave storage after the commit."""
    shop = current_shop()
    form = DeleteShopForm()
    if form.validate_on_submit():
        name = shop.name
        try:
            files = delete_shop(shop, form.name.data)
        except WrongConfirmation as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            remove_files(files)
            flash(_("Your shop %(name)s was deleted, with all its data.", name=name), "success")
            return redirect(url_for(".home"), code=303)
    jobs = recent_jobs(shop)
    return render_template("dashboard/data.html", shop=shop, form=form, jobs=jobs), 422
