"""Photos uploaded as soon as they are picked, held until their form is saved.

The item form's script posts each picked photo here and keeps the token it gets back
in the form; without a script, the photos a refused form carried are held the same
way (items._hold_carried). Either way the photos survive any error, and a reload.
"""

from __future__ import annotations

from flask import Response, abort, jsonify, request, url_for
from flask_babel import gettext as _

from shop import catalog
from shop.dashboard.access import current_shop, shop_required
from shop.dashboard.blueprint import bp
from shop.extensions import db
from shop.media import pending
from shop.media.pipeline import ImageRejected
from shop.models import PendingUpload
from shop.web import limits


def described(upload: PendingUpload) -> dict:
    return {
        "token": upload.token,
        "name": upload.filename,
        "preview": url_for("dashboard.upload_preview", upload_token=upload.token),
    }


def hold_files(shop, files: list, draft: bool = False) -> tuple[list[PendingUpload], list[str]]:
    """Hold each file the pipeline takes; the reasons for the ones it refuses."""
    held, refused = [], []
    for upload in files[: 3 * catalog.MAX_PHOTOS]:
        upload.stream.seek(0)
        try:
            held.append(pending.hold(shop, upload.stream, upload.filename or "", draft=draft))
        except ImageRejected as error:
            refused.append(_("%(file)s: %(reason)s", file=upload.filename, reason=str(error)))
    return held, refused


@bp.post("/uploads")
@limits.photo_uploads
@shop_required
def upload_photos():
    """One or more photos from the item form's script: held, each with its token."""
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        return jsonify(uploads=[], errors=[_("Choose a photo to upload.")]), 422
    held, refused = hold_files(current_shop(), files)
    db.session.commit()
    return jsonify(uploads=[described(u) for u in held], errors=refused), (422 if refused else 200)


@bp.get("/uploads/<upload_token>/preview")
@shop_required
def upload_preview(upload_token: str):
    """The held photo's thumbnail, for its own shop only and never cached by others."""
    upload = pending.owned(current_shop(), upload_token)
    if upload is None or not upload.preview:
        abort(404)
    response = Response(upload.preview, mimetype="image/webp")
    response.headers["Cache-Control"] = "private, no-store"
    return response
