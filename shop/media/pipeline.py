"""The photo pipeline: every upload is checked, turned upright, stripped and re-encoded.

Nothing is stored or served as it was uploaded. Only JPEG, PNG and WebP are taken,
recognised by their content (Pillow is allowed those three decoders and no other,
so no Ghostscript, no TIFF, no SVG); size limits are checked before a single pixel
is decoded. What comes out is WebP in a few widths for pages and a JPEG for link
previews, named after the pixels' hash (see shop.media.renditions and .names).
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import IO

from flask_babel import gettext as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from sqlalchemy import select

from shop.extensions import db
from shop.media.isolated import ChildFailed, ChildPhoto, needs_a_child, prepare_in_child
from shop.media.renditions import Photo, make_photo
from shop.media.storage import get_storage
from shop.models import Image, Shop

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
MIN_SIDE = 16
MAX_ASPECT = 10  # longest side / shortest side: WebP cannot encode a 1280 x 20000 strip
FORMATS = ("JPEG", "PNG", "WEBP")

# What Pillow raises on a malformed file, beyond its own UnidentifiedImageError.
DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    KeyError,
    struct.error,
    zlib.error,
    PILImage.DecompressionBombError,
)


class ImageRejected(ValueError):
    """An upload we will not take. str() is the translated message to show the merchant."""


def ingest(shop: Shop, stream: IO[bytes]) -> Image:
    """Check and process an uploaded photo, store its renditions and add its Image row.

    Flushes, never commits. The same picture uploaded again in the same shop gives
    back the existing row (and re-creates any rendition missing from storage).
    Raises ImageRejected with a message for the merchant.
    """
    photo = prepare(read_upload(stream))
    store(photo)
    image = db.session.scalar(
        select(Image)
        .where(Image.shop_id == shop.id, Image.key == photo.key)
        .order_by(Image.id)
        .limit(1)
    )
    if image is None:
        image = Image(
            shop_id=shop.id,
            key=photo.key,
            width=photo.width,
            height=photo.height,
            widths=list(photo.widths),
        )
        db.session.add(image)
        db.session.flush()
    return image


def store(photo: Photo | ChildPhoto) -> None:
    """Write the outputs storage does not have yet (names are content hashes)."""
    storage = get_storage()
    missing = {name for name in photo.names() if not storage.exists(name)}
    if missing:
        for name, data in photo.encode(missing):
            storage.save(name, data)


def read_upload(stream: IO[bytes], limit: int = MAX_BYTES) -> bytes:
    """Read at most `limit` + 1 bytes: enough to know a file is too large, never more."""
    data = stream.read(limit + 1)
    while 0 < len(data) <= limit:  # a short read is not always the end (pipes, sockets)
        more = stream.read(limit + 1 - len(data))
        if not more:
            break
        data += more
    if not data:
        raise ImageRejected(_("That file is empty. Choose a photo to upload."))
    if len(data) > limit:
        raise ImageRejected(
            _("That photo is larger than %(size)d MB. Try a smaller one.", size=limit // 2**20)
        )
    return data


def prepare(data: bytes) -> Photo | ChildPhoto:
    """Validate the bytes of an upload and decode them into an upright, stripped Photo
    (in a child process with a memory ceiling when decoding it here would cost too much)."""
    image = open_checked(data)
    if needs_a_child(image):
        image.close()
        try:
            return prepare_in_child(data)
        except ChildFailed as failure:
            raise ImageRejected(
                _too_many_pixels() if failure.reason == "memory" else _damaged()
            ) from None
    try:
        return make_photo(image)
    except DECODE_ERRORS:
        raise ImageRejected(_damaged()) from None


def open_checked(data: bytes) -> PILImage.Image:
    """Open (read the header only) and check what the file says about itself."""
    try:
        image = PILImage.open(io.BytesIO(data), formats=FORMATS)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        # Only raised when warnings are errors; otherwise the size check below refuses.
        raise ImageRejected(_too_many_pixels()) from None
    except UnidentifiedImageError:
        raise ImageRejected(
            _("That file is not a photo we can use. Upload a JPEG, PNG or WebP image.")
        ) from None
    except DECODE_ERRORS:
        raise ImageRejected(_damaged()) from None

    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRejected(_too_many_pixels())
    if min(width, height) < MIN_SIDE:
        raise ImageRejected(
            _(
                "That picture is too small. Use one at least %(px)d pixels wide and high.",
                px=MIN_SIDE,
            )
        )
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageRejected(_("That picture is too long and narrow. Crop it and try again."))
    return image


def _too_many_pixels() -> str:
    return _(
        "That photo has too many pixels (the limit is %(mp)d megapixels). Try a smaller one.",
        mp=MAX_PIXELS // 1_000_000,
    )


def _damaged() -> str:
    return _("That photo is damaged or incomplete. Try saving or exporting it again.")
