"""Import a catalog: upload a file, see what would change, confirm, follow the job.

Nothing is written to the catalog before the merchant confirms the preview; the job
(shop.shops.imports.job) writes it all at once. Another shop's upload token finds no
file (the name carries the shop), so it answers 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from shop.activity import record
from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.jobs import job_of_my_shops_or_404
from shop.extensions import db
from shop.models import ActivityKind
from shop.shops.imports import ImportRefused, make_plan, stage_upload, staged_path
from shop.shops.imports.columns import LABELS, MappingError
from shop.shops.imports.job import read_staged, start_import
from shop.shops.imports.sheet import NeedsMapping
from shop.shops.imports.staging import forget_sheet, remove_staged, save_mapping, save_sheet
from shop.shops.imports.undo import can_undo, undo_import
from shop.shops.imports.workbook import NeedsSheet
from shop.web import limits

ACCEPT = ".zip,.csv,.tsv,.txt,.xlsx,.ods,application/zip,text/csv"
SHOWN_ROWS = 200  # the preview lists this many names per kind; the counts are whole


class ImportForm(FlaskForm):
    file = FileField(
        _l("Your file"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": ACCEPT},
    )


class ConfirmImportForm(FlaskForm):
    """Only its CSRF token: confirming is a deliberate post."""


@bp.get("/data/import")
@shop_required
def import_start():
    return render_template("dashboard/import.html", shop=current_shop(), form=ImportForm())


@bp.post("/data/import")
@shop_required
@limits.photo_uploads
def import_upload():
    shop = current_shop()
    form = ImportForm()
    if form.validate_on_submit():
        try:
            token = stage_upload(shop.id, form.file.data.stream)
        except ImportRefused as error:
            form.file.errors.append(str(error))
        else:
            return redirect(url_for(".import_preview", import_token=token), code=303)
    return render_template("dashboard/import.html", shop=shop, form=form), 422


@bp.get("/data/import/<import_token>")
@shop_required
def import_preview(import_token: str):
    shop, token = current_shop(), import_token
    if staged_path(shop.id, token) is None:
        abort(404)
    return _preview(shop, token)


@bp.post("/data/import/<import_token>")
@shop_required
def import_confirm(import_token: str):
    """Start the job (a second click follows the same one) and show its progress; with
    columns chosen anew, keep them and show the preview they give first."""
    shop, token = current_shop(), import_token
    if staged_path(shop.id, token) is None:
        abort(404)
    if not ConfirmImportForm().validate_on_submit():
        return redirect(url_for(".import_preview", import_token=token), code=303)
    if request.form.get("action") == "sheet":
        return _choose_sheet(shop, token, request.form.get("sheet", ""))
    choice = request.form.getlist("column")
    shown, ready = _columns_shown(shop, token)
    if shown is not None and choice:  # a plain sheet: its columns came with the post
        try:
            read_staged(shop, token, choice)
        except MappingError as error:
            return _preview(shop, token, choice, str(error))
        save_mapping(shop.id, token, choice)
        if choice != shown or not ready or request.form.get("action") == "columns":
            return redirect(url_for(".import_preview", import_token=token), code=303)
    elif not ready:  # its columns are not known yet, or it cannot be read: the preview says
        return redirect(url_for(".import_preview", import_token=token), code=303)
    job = start_import(shop, current_user.id, token)
    return redirect(url_for(".job_page", job_token=job.token), code=303)


def _choose_sheet(shop, token: str, typed: str):
    """Read the workbook's sheet the merchant picked from now on (its columns asked
    again), or say why it cannot be read and keep the upload."""
    sheet = int(typed) if typed.isascii() and typed.isdigit() and len(typed) < 6 else -1
    save_sheet(shop.id, token, max(sheet, 0))
    try:
        read_staged(shop, token, sheet=sheet)
    except (NeedsMapping, NeedsSheet):
        pass  # a sheet it can read: the preview asks for its columns
    except ImportRefused as error:
        forget_sheet(shop.id, token)
        return _preview(shop, token, problem=str(error))
    return redirect(url_for(".import_preview", import_token=token), code=303)


def _columns_shown(shop, token: str) -> tuple[list[str] | None, bool]:
    """What the preview says each column holds (None when the file has none to map: a
    Vitrina ZIP, a Shopify or WooCommerce export, a damaged file), and whether the file
    can be imported as it stands."""
    try:
        return read_staged(shop, token).mapping, True
    except NeedsMapping as need:
        return need.proposal, False
    except ImportRefused:
        return None, False


def _preview(shop, token: str, choice: list[str] | None = None, problem: str | None = None):
    """The preview page: what the import would do, and for a plain sheet what each
    column holds (the merchant's `choice` kept when it could not be used)."""
    status = 422 if problem else 200
    sheets, sheet, samples = None, None, []
    try:
        catalog = read_staged(shop, token)
    except NeedsSheet as need:
        header, mapping, plan, sheets = None, None, None, need.names
        problem = problem or str(need)
    except NeedsMapping as need:
        header, mapping, plan = need.header, choice or need.proposal, None
        sheets, sheet, samples = need.sheets, need.sheet, need.samples
        problem = problem or str(need)
    except ImportRefused as error:
        remove_staged(shop.id, token)
        form = ImportForm(formdata=None)
        form.file.errors = [str(error)]
        return render_template("dashboard/import.html", shop=shop, form=form), 422
    else:
        header, mapping = catalog.header, choice or catalog.mapping
        sheets, sheet, samples = catalog.sheets, catalog.sheet, catalog.samples
        plan = make_plan(shop, catalog) if not problem else None
    page = render_template(
        "dashboard/import_preview.html",
        shop=shop,
        plan=plan,
        form=ConfirmImportForm(),
        token=token,
        shown=SHOWN_ROWS,
        columns=_columns(header, mapping, samples) if header else None,
        fields=LABELS,
        problem=problem,
        sheets=sheets,
        sheet=sheet,
    )
    return page, status


def _columns(header: list[str], mapping: list[str], samples: list[list[str]]) -> list[tuple]:
    """(header, field chosen, the cells of the first rows) of each column."""
    return [
        (name, chosen, [row[index] for row in samples if index < len(row) and row[index]])
        for index, (name, chosen) in enumerate(zip(header, mapping, strict=False))
    ]


@bp.post("/jobs/<job_token>/undo")
def import_undo(job_token: str):
    """Undo the shop's last import from its report (once, within a day)."""
    job = job_of_my_shops_or_404(job_token)
    if not ConfirmImportForm().validate_on_submit():
        return redirect(url_for(".job_page", job_token=job.token), code=303)
    if not can_undo(job):
        flash(_("This import can no longer be undone."), "error")
        return redirect(url_for(".job_page", job_token=job.token), code=303)
    outcome = undo_import(job)
    counts = {key: value for key, value in outcome.items() if type(value) is int}
    record(job.shop_id, ActivityKind.IMPORT, by=current_user, details={"undone": True} | counts)
    db.session.commit()
    flash(
        _(
            "Import undone: %(removed)d products removed, %(restored)d put back as they were.",
            removed=outcome["removed"],
            restored=outcome["restored"],
        ),
        "success",
    )
    return redirect(url_for(".job_page", job_token=job.token), code=303)
