"""Pixel work: from a decoded upload to the WebP sizes and the JPEG link preview.

Made to be fast and lean on phone photos: a JPEG is decoded at a reduced scale
when the largest output is much smaller (libjpeg's DCT scaling), the picture is
resized once to a "base" that is just big enough for every output, turned upright
and converted to sRGB at that size, and each smaller WebP is made from the one
before it. Nothing here knows about requests, shops or storage.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageCms

from shop.media.names import PREVIEW_SIZE, WIDTHS, preview_name, rendition_name

# Bump when the output of the same pixels changes (quality, sizes, crop): new
# names, so caches that were told "immutable" never see different bytes.
VERSION = b"vitrina-renditions-2"
# A phone on a slow network pays for every byte of the cards it scrolls past, so each
# width has a byte budget; a detailed photo steps its quality down until it fits (most
# photos fit at the first step), and the last step is kept even if it does not.
WEBP_QUALITIES = (80, 70, 60, 50, 42)
# Overshoot at quality 80 (size / budget) up to which each next quality is tried first.
WEBP_JUMPS = (1.2, 1.5, 1.9)
WEBP_MAX_BYTES = {320: 12_000, 640: 30_000}  # the card sizes
# libwebp's effort by width: 4 (its default) for the smallest, where it costs little;
# 2 for the card size, 2-2.5x faster for 3-4% more bytes (the budget still holds); 1
# for the largest, which has no budget: a fifth faster again for 2% more bytes.
WEBP_METHODS = ((320, 4), (640, 2))
WEBP_METHOD_LARGEST = 1
PREVIEW_MAX_BYTES = 300_000
PREVIEW_QUALITIES = (85, 78, 70, 60, 50, 40)
ENCODERS = 2  # outputs of one photo encoded side by side (see Photo.encode)
JPEG_FORMATS = ("JPEG", "MPO")  # MPO: the multi-picture JPEG some cameras write

# EXIF orientation -> the transposition that makes the picture upright
# (the same table as PIL.ImageOps.exif_transpose).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
SIDEWAYS = (5, 6, 7, 8)


@dataclass
class Photo:
    """An upright, metadata-free sRGB picture, ready to be encoded."""

    base: Image.Image  # RGB or RGBA, as wide as the widest output needs
    width: int  # the upright original's size
    height: int
    widths: tuple[int, ...]  # WebP widths, smallest first
    key: str  # sha256 of the base pixels: names every output

    def names(self) -> list[str]:
        return [rendition_name(self.key, w) for w in self.widths] + [preview_name(self.key)]

    def encode(self, wanted: set[str] | None = None) -> Iterator[tuple[str, bytes]]:
        """(name, bytes) for each output in `wanted` (all when None), largest first.

        The renditions are resized one from the last, then encoded ENCODERS at a time:
        libwebp and libjpeg let go of the GIL, so on a small server's two cores a
        portrait phone photo's four outputs take 130 ms instead of 215.
        """
        jobs = []
        current = self.base
        for width in reversed(self.widths):  # largest first: each is made from the last
            if current.width != width:
                size = (width, scaled_height(width, self.width, self.height))
                current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
            name = rendition_name(self.key, width)
            if wanted is None or name in wanted:
                jobs.append((name, encode_webp, current))
        name = preview_name(self.key)
        if wanted is None or name in wanted:
            jobs.append((name, encode_preview, self.base))
        if len(jobs) < 2:
            for name, encode, image in jobs:
                yield name, encode(image)
            return
        with ThreadPoolExecutor(ENCODERS, thread_name_prefix="vitrina-encode") as pool:
            done = [(name, pool.submit(encode, image)) for name, encode, image in jobs]
            for name, future in done:
                yield name, future.result()


def scaled_height(width: int, original_width: int, original_height: int) -> int:
    return max(1, round(width * original_height / original_width))


def rendition_widths(width: int) -> tuple[int, ...]:
    """The standard widths that fit without upscaling, plus the original's own width when
    it is well above the largest of those: a 1000 px photo keeps its detail, a 200 px
    one still gets one rendition."""
    widths = [w for w in WIDTHS if w <= width]
    if width < WIDTHS[-1] and (not widths or width >= widths[-1] * 1.25):
        widths.append(width)
    return tuple(widths)


def base_width(width: int, height: int, largest: int) -> int:
    """Wide enough for the largest rendition and for the preview crop, never wider than
    the original (a panorama needs more than 1280 px to fill 1200x630 by height)."""
    preview_w, preview_h = PREVIEW_SIZE
    cover = max(preview_w / width, preview_h / height)
    return min(width, max(largest, math.ceil(width * cover)))


def orientation(image: Image.Image) -> int:
    """The EXIF (or XMP) orientation; a broken EXIF block only costs us the rotation."""
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # any parse error in untrusted metadata
        return 1
    return value if value in UPRIGHT else 1


def make_photo(image: Image.Image) -> Photo:
    """Decode `image` (opened, size already checked) into a Photo.

    Decoding errors propagate (OSError, ValueError, ...): the caller turns them into a
    refusal. `image` is closed afterwards.
    """
    turn = orientation(image)
    stored_w, stored_h = image.size
    width, height = (stored_h, stored_w) if turn in SIDEWAYS else (stored_w, stored_h)
    widths = rendition_widths(width)
    target_w = base_width(width, height, widths[-1])
    target = (target_w, scaled_height(target_w, width, height))
    stored_target = target[::-1] if turn in SIDEWAYS else target

    icc = image.info.get("icc_profile")
    if image.format in JPEG_FORMATS:
        # Let libjpeg skip detail we would throw away: up to 8x less decoding.
        image.draft("RGB" if image.mode == "RGB" else image.mode, stored_target)
    image.load()
    frame = _plain_mode(image)
    if frame.size != stored_target:
        frame = frame.resize(stored_target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if turn in UPRIGHT:
        frame = frame.transpose(UPRIGHT[turn])
    frame = _to_srgb(frame, icc)
    if frame is image:
        frame = image.copy()
    image.close()
    if frame.mode == "RGBA" and frame.getchannel("A").getextrema() == (255, 255):
        frame = frame.convert("RGB")  # an opaque alpha channel only costs bytes
    frame.info = {}  # no EXIF, XMP, ICC or comments can ride along into an output
    return Photo(frame, width, height, widths, pixel_key(frame))


def _plain_mode(image: Image.Image) -> Image.Image:
    """RGB, RGBA, L or CMYK: the modes resizing and colour conversion handle well."""
    mode = image.mode
    if mode in ("RGB", "RGBA", "L", "CMYK"):
        return image
    if mode.startswith("I;16") or mode in ("I", "F"):
        # 16-bit greyscale PNG: keep the top 8 bits rather than clipping at 255.
        return image.convert("I").point(lambda v: v / 256).convert("L")
    if mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if "A" in mode or "a" in mode or mode == "RGBX":
        return image.convert("RGBA" if mode != "RGBX" else "RGB")
    return image.convert("RGB")


def _to_srgb(frame: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert colours from the embedded profile (e.g. a phone's Display P3) to sRGB, the
    colour space browsers assume for an untagged picture; without one, just the mode."""
    transform = _transform(icc, frame.mode) if icc else None
    if transform is not None:
        try:
            return ImageCms.applyTransform(frame, transform)
        except (ImageCms.PyCMSError, ValueError, OSError):
            pass  # fall through: an unusable profile is dropped, the pixels are kept
    if frame.mode in ("RGB", "RGBA"):
        return frame
    return frame.convert("RGB")


@lru_cache(maxsize=32)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """A cached profile -> sRGB transform, or None when none is needed or possible."""
    spaces = {"RGB": "RGB ", "RGBA": "RGB ", "L": "GRAY", "CMYK": "CMYK"}
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if source.profile.xcolor_space != spaces.get(mode):
            return None
        if mode in ("RGB", "RGBA") and "sRGB" in ImageCms.getProfileDescription(source):
            return None
        out_mode = "RGBA" if mode == "RGBA" else "RGB"
        return ImageCms.buildTransform(source, _srgb(), mode, out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def pixel_key(image: Image.Image) -> str:
    """Content hash of the normalised pixels (and the renderer version)."""
    digest = hashlib.sha256(VERSION)
    digest.update(f"\0{image.mode}\0{image.width}x{image.height}\0".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def encode_webp(image: Image.Image) -> bytes:
    """A WebP within its width's byte budget, at the best quality that fits.

    One encode at quality 80 fits most photos. A detailed one jumps straight to the
    quality its overshoot suggests (sizes fall by roughly a tenth per 10 points of
    quality here), then steps down only if that still does not fit: two encodes
    instead of a walk down the whole ladder.
    """
    method = next((m for up_to, m in WEBP_METHODS if image.width <= up_to), WEBP_METHOD_LARGEST)
    budget = WEBP_MAX_BYTES.get(image.width)
    data = _webp(image, WEBP_QUALITIES[0], method)
    if budget is None or len(data) <= budget:
        return data
    overshoot = len(data) / budget
    first = next(
        (i for i, limit in enumerate(WEBP_JUMPS, start=1) if overshoot <= limit),
        len(WEBP_QUALITIES) - 1,
    )
    for quality in WEBP_QUALITIES[first:]:
        data = _webp(image, quality, method)
        if len(data) <= budget:
            break
    return data


def _webp(image: Image.Image, quality: int, method: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "WEBP", quality=quality, method=method)
    return out.getvalue()


def cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Fill `size` exactly: scale to cover it and crop the middle (one resampling pass)."""
    scale = max(size[0] / image.width, size[1] / image.height)
    crop_w, crop_h = size[0] / scale, size[1] / scale
    left, top = (image.width - crop_w) / 2, (image.height - crop_h) / 2
    box = (left, top, left + crop_w, top + crop_h)
    return image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=2.0)


def flatten(image: Image.Image, background=(255, 255, 255)) -> Image.Image:
    """RGB for JPEG: transparent parts become `background`."""
    if image.mode != "RGBA":
        return image if image.mode == "RGB" else image.convert("RGB")
    flat = Image.new("RGB", image.size, background)
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def encode_jpeg(image: Image.Image, max_bytes: int = PREVIEW_MAX_BYTES) -> bytes:
    """A JPEG under `max_bytes`, at the best quality that fits."""
    data = b""
    for quality in PREVIEW_QUALITIES:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True)
        data = out.getvalue()
        if len(data) < max_bytes:
            break
    return data


def encode_preview(base: Image.Image) -> bytes:
    """The 1200x630 link preview (og:image): centre crop, white behind transparency."""
    return encode_jpeg(flatten(cover(base, PREVIEW_SIZE)))
