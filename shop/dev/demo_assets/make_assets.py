"""Build the demo shop's product photos from freely licensed sample photographs.

Run by hand, never at run time (the app only reads the JPEGs this writes):

    pip download --no-deps -d /tmp/wheels scikit-image scikit-learn matplotlib
    (cd /tmp/wheels && for w in *.whl; do unzip -oq "$w" '*/data/*' '*/images/*' \
        '*/sample_data/*'; done)
    python shop/dev/demo_assets/make_assets.py /tmp/wheels

Each product shot puts a real photograph (see README.md for sources and licences)
into a real-looking scene: a framed print on a painted brick wall, a poster taped
to a plaster wall, a canvas, postcards on a stone table. Everything is seeded, so
the output is the same on every run.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

HERE = Path(__file__).resolve().parent
SIZE = 1000
QUALITY = 80
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


class Sources:
    def __init__(self, root: Path) -> None:
        self.root = root

    def photo(self, name: str) -> Image.Image:
        found = next(self.root.rglob(name), None)
        if found is None:
            raise SystemExit(f"{name} not found under {self.root}")
        return Image.open(found).convert("RGB")

    def texture(self, name: str) -> Image.Image:
        return self.photo(name).convert("L")


def crop_to(image: Image.Image, ratio: float, focus=(0.5, 0.5)) -> Image.Image:
    """The largest crop of `ratio` (width / height) around `focus` (fractions)."""
    w, h = image.size
    if w / h > ratio:
        cw, ch = round(h * ratio), h
    else:
        cw, ch = w, round(w / ratio)
    left = min(max(0, round(focus[0] * w - cw / 2)), w - cw)
    top = min(max(0, round(focus[1] * h - ch / 2)), h - ch)
    return image.crop((left, top, left + cw, top + ch))


def fit(image: Image.Image, width: int) -> Image.Image:
    height = round(image.height * width / image.width)
    return image.resize((width, height), Image.Resampling.LANCZOS)


# --- surfaces --------------------------------------------------------------------------


def lighting(size, strength=0.28, center=(0.45, 0.35)) -> Image.Image:
    """A soft light falling off towards the corners (a mask: 255 = full light)."""
    w, h = size
    small = Image.new("L", (64, 64))
    px = small.load()
    for y in range(64):
        for x in range(64):
            d = ((x / 63 - center[0]) ** 2 + (y / 63 - center[1]) ** 2) ** 0.5
            px[x, y] = round(255 * (1 - strength * min(1.0, d / 0.9) ** 1.6))
    return small.resize((w, h), Image.Resampling.BICUBIC)


def lit(image: Image.Image, **kwargs) -> Image.Image:
    light = lighting(image.size, **kwargs).convert("RGB")
    return ImageChops.multiply(image, light)


def brick_wall(src: Sources, dark, light) -> Image.Image:
    bricks = src.texture("brick.png").transpose(Image.Transpose.ROTATE_90)  # courses level
    bricks = bricks.resize((SIZE, SIZE), Image.Resampling.BICUBIC)
    bricks = ImageOps.autocontrast(bricks, cutoff=1).filter(ImageFilter.GaussianBlur(0.8))
    return lit(ImageOps.colorize(bricks, dark, light))


def plaster_wall(src: Sources, dark, light) -> Image.Image:
    grain = src.texture("gravel.png").resize((SIZE, SIZE), Image.Resampling.BICUBIC)
    grain = ImageOps.autocontrast(grain).filter(ImageFilter.GaussianBlur(5))
    fine = Image.effect_noise((SIZE, SIZE), 40).filter(ImageFilter.GaussianBlur(0.7))
    grain = Image.blend(grain, fine, 0.35)
    return lit(ImageOps.colorize(grain, dark, light), strength=0.22)


def stone_table(src: Sources) -> Image.Image:
    grain = src.texture("gravel.png").resize((SIZE, SIZE), Image.Resampling.BICUBIC)
    grain = ImageOps.autocontrast(grain).filter(ImageFilter.GaussianBlur(0.6))
    return lit(ImageOps.colorize(grain, (150, 145, 138), (236, 232, 225)), strength=0.2)


def wood(size, base, seed: int) -> Image.Image:
    """Oak-like grain: noise stretched along the board, coloured."""
    rnd = random.Random(seed)
    w, h = size
    noise = Image.effect_noise((max(4, w // 40), max(8, h * 2)), 60)
    grain = noise.resize((w, h), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(1))
    grain = ImageOps.autocontrast(grain).rotate(rnd.choice([0, 180]))
    dark = tuple(max(0, c - 55) for c in base)
    return ImageOps.colorize(grain, dark, base)


def paste_with_shadow(scene, piece, xy, blur=14, offset=(10, 16), opacity=120) -> None:
    shadow = Image.new("L", piece.size, opacity)
    if piece.mode == "RGBA":
        shadow = ImageChops.multiply(shadow, piece.getchannel("A"))
    pad = blur * 3
    mask = Image.new("L", (piece.width + 2 * pad, piece.height + 2 * pad), 0)
    mask.paste(shadow, (pad, pad))
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    black = Image.new("RGB", mask.size, (20, 16, 12))
    scene.paste(black, (xy[0] - pad + offset[0], xy[1] - pad + offset[1]), mask)
    scene.paste(piece, xy, piece if piece.mode == "RGBA" else None)


# --- products --------------------------------------------------------------------------


def framed(photo, frame_color, mat=60, bar=34, wood_seed=None) -> Image.Image:
    """Photo in a passe-partout and a bevelled frame."""
    mat_color = (244, 241, 234)
    inner = Image.new("RGB", (photo.width + 2 * mat, photo.height + 2 * mat), mat_color)
    inner.paste(photo, (mat, mat))
    draw = ImageDraw.Draw(inner)  # the mat's cut bevel
    draw.rectangle(
        (mat - 3, mat - 3, mat + photo.width + 2, mat + photo.height + 2),
        outline=(252, 250, 246),
        width=3,
    )
    w, h = inner.width + 2 * bar, inner.height + 2 * bar
    if wood_seed is not None:
        frame = wood((w, h), frame_color, wood_seed)
    else:
        frame = Image.new("RGB", (w, h), frame_color)
    shade = ImageDraw.Draw(frame, "RGBA")
    shade.polygon([(0, 0), (w, 0), (w - bar, bar), (bar, bar)], fill=(255, 255, 255, 40))
    shade.polygon([(0, 0), (bar, bar), (bar, h - bar), (0, h)], fill=(255, 255, 255, 20))
    shade.polygon([(w, 0), (w, h), (w - bar, h - bar), (w - bar, bar)], fill=(0, 0, 0, 40))
    shade.polygon([(0, h), (bar, h - bar), (w - bar, h - bar), (w, h)], fill=(0, 0, 0, 60))
    frame.paste(inner, (bar, bar))
    # the frame's lip casts a thin shadow on the mat
    lip = ImageDraw.Draw(frame, "RGBA")
    for i in range(6):
        lip.rectangle(
            (bar + i, bar + i, w - bar - 1 - i, h - bar - 1 - i), outline=(0, 0, 0, 50 - 8 * i)
        )
    return frame


def on_wall(wall, piece, y_shift=-20) -> Image.Image:
    scene = wall.copy()
    x = (SIZE - piece.width) // 2
    y = (SIZE - piece.height) // 2 + y_shift
    paste_with_shadow(scene, piece, (x, y))
    return scene


def taped_poster(wall, photo, border=26, seed=1) -> Image.Image:
    rnd = random.Random(seed)
    paper = ImageOps.expand(photo, border, fill=(250, 249, 245))
    scene = wall.copy()
    x, y = (SIZE - paper.width) // 2, (SIZE - paper.height) // 2
    paste_with_shadow(scene, paper, (x, y), blur=8, offset=(4, 8), opacity=90)
    tape_color = rnd.choice([(235, 200, 120, 190), (170, 205, 200, 190), (240, 170, 160, 190)])
    for cx in (x + 40, x + paper.width - 40):
        tape = Image.new("RGBA", (120, 34), tape_color)
        tape = tape.rotate(
            rnd.uniform(-35, -20) if cx < SIZE / 2 else rnd.uniform(20, 35),
            expand=True,
            resample=Image.Resampling.BICUBIC,
        )
        scene.paste(tape, (cx - tape.width // 2, y - tape.height // 2), tape)
    return scene


def canvas_print(wall, photo, depth=22) -> Image.Image:
    """A gallery-wrapped canvas seen almost straight on: the right edge shows."""
    w, h = photo.size
    piece = Image.new("RGBA", (w + depth, h + depth // 3), (0, 0, 0, 0))
    edge = photo.crop((w - depth, 0, w, h)).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    edge = ImageChops.multiply(edge, Image.new("RGB", edge.size, (150, 150, 150)))
    piece.paste(edge.resize((depth, h - 4)), (w, depth // 3 + 2))
    piece.paste(photo, (0, 0))
    weave = Image.effect_noise(photo.size, 18).convert("RGB")
    piece.paste(ImageChops.overlay(photo, weave), (0, 0))
    return on_wall(wall, piece)


def postcards(table, photos, seed=7) -> Image.Image:
    rnd = random.Random(seed)
    scene = table.copy()
    spots = [(210, 230), (560, 200), (820, 330), (260, 600), (600, 560), (790, 760)]
    for photo, (cx, cy) in zip(photos, spots, strict=False):
        card = ImageOps.expand(fit(crop_to(photo, 1.45), 300), 14, fill=(252, 251, 248))
        card = card.convert("RGBA").rotate(
            rnd.uniform(-14, 14), expand=True, resample=Image.Resampling.BICUBIC
        )
        paste_with_shadow(
            scene,
            card,
            (cx - card.width // 2, cy - card.height // 2),
            blur=6,
            offset=(5, 8),
            opacity=110,
        )
    return scene


def empty_frame(wall, seed=3) -> Image.Image:
    blank = Image.new("RGB", (450, 600), (246, 244, 238))
    return on_wall(wall, framed(blank, (196, 150, 96), mat=0, bar=40, wood_seed=seed))


def logo() -> Image.Image:
    """Tienda Sol's logo: a sun over the name, on transparency."""
    scale, size = 4, 600
    big = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    c, r = size * scale // 2, 120 * scale
    cy = 250 * scale
    for i in range(12):
        ray = Image.new("RGBA", big.size, (0, 0, 0, 0))
        ImageDraw.Draw(ray).rounded_rectangle(
            (c - 14 * scale, cy - r - 78 * scale, c + 14 * scale, cy - r - 22 * scale),
            radius=14 * scale,
            fill=(245, 158, 11, 255),
        )
        big.alpha_composite(ray.rotate(i * 30, center=(c, cy)))
    draw.ellipse((c - r, cy - r, c + r, cy + r), fill=(249, 115, 22, 255))
    draw.ellipse(
        (c - r + 26 * scale, cy - r + 26 * scale, c + r - 26 * scale, cy + r - 26 * scale),
        fill=(251, 191, 36, 255),
    )
    font = ImageFont.truetype(FONT, 86 * scale)
    draw.text((c, 520 * scale), "Tienda Sol", font=font, fill=(124, 45, 18, 255), anchor="mm")
    return big.resize((size, size), Image.Resampling.LANCZOS)


def build(src: Sources) -> dict[str, Image.Image]:
    coffee, cat = src.photo("coffee.png"), src.photo("chelsea.png")
    flower, pagoda = src.photo("flower.jpg"), src.photo("china.jpg")
    rocket, space = src.photo("rocket.jpg"), src.photo("hubble_deep_field.jpg")
    astronaut = src.photo("astronaut.png")
    hopper = src.photo("grace_hopper.jpg")

    white_bricks = brick_wall(src, (172, 164, 152), (246, 243, 237))
    sage = plaster_wall(src, (170, 184, 165), (206, 217, 199))
    sand = plaster_wall(src, (212, 196, 170), (242, 232, 214))
    slate = plaster_wall(src, (88, 98, 110), (124, 135, 147))

    return {
        "espresso-poster": taped_poster(sand, fit(crop_to(coffee, 1.5), 560), seed=1),
        "dalia-poster": taped_poster(sage, fit(crop_to(flower, 0.75, (0.45, 0.5)), 440), seed=2),
        "pagoda-poster": taped_poster(white_bricks, fit(crop_to(pagoda, 1.5), 600), seed=3),
        "despegue-poster": taped_poster(slate, fit(crop_to(rocket, 1.5), 600), seed=4),
        "campo-profundo-poster": taped_poster(
            sand, fit(crop_to(space, 0.75, (0.4, 0.5)), 480), seed=5
        ),
        "chelsea-poster": taped_poster(sage, fit(crop_to(cat, 1.5), 580), seed=6),
        "dalia-framed": on_wall(
            white_bricks,
            framed(fit(crop_to(flower, 0.75, (0.45, 0.5)), 330), (190, 140, 90), wood_seed=11),
        ),
        "astronauta-framed": on_wall(
            sage, framed(fit(crop_to(astronaut, 0.8, (0.45, 0.45)), 340), (30, 30, 32))
        ),
        "espresso-framed": on_wall(
            slate, framed(fit(crop_to(coffee, 0.8, (0.3, 0.45)), 330), (238, 236, 232))
        ),
        "campo-profundo-canvas": canvas_print(white_bricks, fit(crop_to(space, 1.5), 640)),
        "despegue-canvas": canvas_print(sand, fit(crop_to(rocket, 1.5), 640)),
        "postales": postcards(stone_table(src), [coffee, flower, cat, pagoda, rocket, astronaut]),
        "marco-roble": empty_frame(sage),
        "enmarcado-a-medida": on_wall(
            sand,
            framed(
                fit(crop_to(hopper, 0.8, (0.5, 0.4)), 340), (176, 141, 87), mat=48, wood_seed=21
            ),
        ),
    }


def main(root: str) -> None:
    src = Sources(Path(root))
    total = 0
    for name, image in build(src).items():
        path = HERE / f"{name}.jpg"
        image.convert("RGB").save(path, "JPEG", quality=QUALITY, optimize=True)
        total += path.stat().st_size
    logo().save(HERE / "logo.png", optimize=True)
    total += (HERE / "logo.png").stat().st_size
    print(f"wrote {total / 1e6:.2f} MB to {HERE}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_assets.py FOLDER_WITH_UNPACKED_WHEELS")
    main(sys.argv[1])
