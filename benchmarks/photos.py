"""Real photographs for the benchmarks, made from the demo shop's product shots.

Nothing here is a flat colour: every picture is cut from the JPEG photographs in
shop/dev/demo_assets/ (see its README for their sources), so encoders and decoders do
the same work as on a merchant's photos.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageCms, ImageEnhance, ImageOps

ASSETS = Path(__file__).resolve().parent.parent / "shop" / "dev" / "demo_assets"
LOGO = ASSETS / "logo.png"
PHONE_SIZE = (4032, 3024)  # a 12-megapixel phone camera, as stored on disk


def demo_photos() -> list[Path]:
    return sorted(ASSETS.glob("*.jpg"))


def catalog_photos(count: int, seed: int = 4) -> list[bytes]:
    """`count` different product photos (JPEG, about 1200 px): crops of the demo shots,
    mirrored, recoloured and in square, landscape or portrait shape."""
    rng = random.Random(seed)
    sources = [Image.open(path).convert("RGB") for path in demo_photos()]
    shapes = ((1200, 1200), (1200, 900), (960, 1200))
    photos = []
    for n in range(count):
        source = sources[n % len(sources)]
        size = shapes[(n // len(sources) + n) % len(shapes)]
        photo = (
            ImageOps.fit(
                source,
                size,
                Image.Resampling.LANCZOS,
                centering=(rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)),
            )
            if n < len(sources)
            else _crop(source, size, rng)
        )
        if n % 2:
            photo = ImageOps.mirror(photo)
        photo = ImageEnhance.Color(photo).enhance(rng.uniform(0.8, 1.25))
        photo = ImageEnhance.Brightness(photo).enhance(rng.uniform(0.9, 1.1))
        photos.append(_jpeg(photo, quality=88))
    return photos


def _crop(source: Image.Image, size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A random part (60-90% of each side) of `source` with the aspect of `size`."""
    aspect = size[0] / size[1]
    scale = rng.uniform(0.6, 0.9)
    width = min(source.width, round(source.height * scale * aspect))
    height = round(width / aspect)
    left = rng.randint(0, source.width - width)
    top = rng.randint(0, source.height - height)
    part = source.crop((left, top, left + width, top + height))
    return part.resize(size, Image.Resampling.LANCZOS)


def logo() -> bytes:
    return LOGO.read_bytes()


def phone_photo(orientation: int = 1) -> bytes:
    """Like a 12-megapixel phone photo: 4032x3024 with sensor grain, EXIF (GPS, camera,
    orientation), an sRGB ICC profile, about 4-5 MB.

    Four demo photographs side by side, scaled up, with noise so the JPEG carries as
    much detail as a camera's. Orientation 6 is what a phone held upright writes: the
    same stored pixels, shown turned a quarter.
    """
    cell = (PHONE_SIZE[0] // 2, PHONE_SIZE[1] // 2)
    picture = Image.new("RGB", PHONE_SIZE)
    for index, path in enumerate(demo_photos()[:4]):
        part = ImageOps.fit(Image.open(path).convert("RGB"), cell, Image.Resampling.BICUBIC)
        picture.paste(part, ((index % 2) * cell[0], (index // 2) * cell[1]))
    grain = Image.effect_noise(PHONE_SIZE, 8).convert("RGB")
    picture = ImageChops.add(picture, grain, scale=1.0, offset=-128)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    exif[0x0112] = orientation
    exif.get_ifd(0x8825).update({1: "N", 2: (40.0, 25.0, 1.5), 3: "W", 4: (3.0, 42.0, 7.2)})
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return _jpeg(picture, quality=92, exif=exif, icc_profile=srgb)


def _jpeg(image: Image.Image, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", **params)
    return out.getvalue()
