"""An item's photos: at most ten, in order; the first is the cover."""

from __future__ import annotations

from typing import Literal

from flask_babel import gettext as _

from shop.catalog.common import MAX_PHOTOS, CatalogError, renumber
from shop.extensions import db
from shop.models import Image, Item, ItemPhoto


def photo_room(item: Item | None) -> int:
    """How many more photos the item can take."""
    return MAX_PHOTOS - (len(item.photos) if item is not None else 0)


def too_many_photos_message() -> str:
    return _("An item can have at most %(max)d photos.", max=MAX_PHOTOS)


def add_photos(item: Item, images: list[Image]) -> list[ItemPhoto]:
    """Append photos after the existing ones (the first photo is the cover)."""
    if len(images) > photo_room(item):
        raise CatalogError(too_many_photos_message(), "photos")
    if any(image.shop_id != item.shop_id for image in images):
        raise ValueError("An item can only show its own shop's images.")
    start = len(item.photos)
    added = [ItemPhoto(image=image, position=start + i) for i, image in enumerate(images)]
    item.photos.extend(added)
    if added:
        db.session.flush()
    return added


def move_photo(photo: ItemPhoto, direction: Literal["up", "down", "cover"]) -> bool:
    """Move a photo one place, or to the front to make it the cover."""
    item = photo.item
    photos = list(item.photos)
    index = photos.index(photo)
    target = {"up": index - 1, "down": index + 1, "cover": 0}[direction]
    if target == index or not 0 <= target < len(photos):
        return False
    photos.insert(target, photos.pop(index))
    renumber(photos)
    db.session.flush()
    db.session.expire(item, ["photos"])  # reload in the new order when next read
    return True


def order_photos(item: Item, photo_ids: list[int]) -> bool:
    """Put the item's photos in the order of `photo_ids` (a drag on the product form);
    True if it changed. The ids must be exactly the item's photos, each once, so a stale
    page (a photo added or removed meanwhile) is refused rather than half applied."""
    photos = list(item.photos)
    by_id = {photo.id: photo for photo in photos}
    if len(photo_ids) != len(photos) or set(photo_ids) != set(by_id):
        raise CatalogError(_("The photos changed meanwhile. Reload the page and try again."))
    ordered = [by_id[photo_id] for photo_id in photo_ids]
    if ordered == photos:
        return False
    renumber(ordered)
    db.session.flush()
    db.session.expire(item, ["photos"])
    return True


def remove_photo(photo: ItemPhoto) -> None:
    """Take a photo off an item; the image stays, other items may share it."""
    item = photo.item
    item.photos.remove(photo)
    renumber(item.photos)
    db.session.flush()
