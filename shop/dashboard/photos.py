"""An item's photos: uploads through the image pipeline, reorder, make cover, remove."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from shop import catalog
from shop.dashboard.access import owned_or_404, shop_required
from shop.dashboard.blueprint import bp
from shop.dashboard.noting import noted
from shop.extensions import db
from shop.media.pipeline import ImageRejected, ingest
from shop.models import ActivityKind, Image, Item, ItemPhoto, PendingUpload, Shop


def ingest_uploads(shop: Shop, files: list) -> list[Image]:
    """Check and store every uploaded file, or refuse them all with the pipeline's reason."""
    images = []
    for upload in files:
        try:
            images.append(ingest(shop, upload.stream))
        except ImageRejected as error:
            raise catalog.CatalogError(
                _("%(file)s: %(reason)s", file=upload.filename, reason=str(error)), "photos"
            ) from None
    return images


def ingest_held(shop: Shop, held: list[PendingUpload]) -> list[Image]:
    """Put held uploads through the pipeline now that their item is being saved."""
    images = []
    for upload in held:
        try:
            images.append(ingest(shop, io.BytesIO(upload.data)))
        except ImageRejected as error:
            raise catalog.CatalogError(
                _("%(file)s: %(reason)s", file=upload.filename, reason=str(error)), "photos"
            ) from None
    return images


def _photo_or_404(item_id: int, photo_id: int) -> ItemPhoto:
    """The photo, only when it belongs to this item of the current shop."""
    item = owned_or_404(Item, item_id)
    photo = db.session.scalar(
        select(ItemPhoto).where(ItemPhoto.id == photo_id, ItemPhoto.item_id == item.id)
    )
    if photo is None:
        abort(404)
    return photo


@bp.post("/items/<int:item_id>/photos/<int:photo_id>/move")
@shop_required
def move_photo(item_id: int, photo_id: int):
    """Up, down, or to the front: the first photo is the cover shoppers see."""
    photo = _photo_or_404(item_id, photo_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down", "cover"):
        abort(400)
    item = photo.item
    was = item.photos.index(photo) + 1
    if catalog.move_photo(photo, direction):
        noted(ActivityKind.ITEM, item.name, details={"photo": [was, photo.position + 1]})
        db.session.commit()
        flash(_("Photos rearranged."), "success")
    return redirect(url_for(".edit_item", item_id=item_id) + "#photos")


@bp.post("/items/<int:item_id>/photos/order")
@shop_required
def order_photos(item_id: int):
    """The order a drag left the photos in (a script's POST; the arrow buttons do the same
    without one). Answers with the list as it now stands, for the page to show."""
    item = owned_or_404(Item, item_id)
    raw = request.form.getlist("photo_ids")
    if len(raw) > catalog.MAX_PHOTOS or not all(_is_id(value) for value in raw):
        abort(400)
    wanted = [int(value) for value in raw]
    was = {photo.id: place for place, photo in enumerate(item.photos, start=1)}
    try:
        changed = catalog.order_photos(item, wanted)
    except catalog.CatalogError as error:
        return {"error": error.message}, 409
    if changed:
        # As the merchant saw them: each photo by the place it had ([3, 1, 2]: the third
        # is now the cover).
        moved = [list(range(1, len(wanted) + 1)), [was[photo_id] for photo_id in wanted]]
        noted(ActivityKind.ITEM, item.name, details={"photo_order": moved})
        db.session.commit()
    return render_template("dashboard/items/_photo_list.html", item=item)


def _is_id(value: str) -> bool:
    return len(value) <= 10 and value.isascii() and value.isdigit() and 0 < int(value) < 2**31


@bp.post("/items/<int:item_id>/photos/<int:photo_id>/remove")
@shop_required
def remove_photo(item_id: int, photo_id: int):
    photo = _photo_or_404(item_id, photo_id)
    item = photo.item
    count = len(item.photos)
    catalog.remove_photo(photo)
    noted(ActivityKind.ITEM, item.name, details={"photos": [count, len(item.photos)]})
    db.session.commit()
    flash(_("Photo removed."), "success")
    return redirect(url_for(".edit_item", item_id=item_id) + "#photos")
