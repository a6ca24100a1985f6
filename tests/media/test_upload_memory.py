"""No accepted upload takes the worker past 200 MB: the worst picture of each format
(the largest the pipeline accepts), measured in a process of its own, as a worker."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from PIL import Image, ImageDraw

from shop.media.isolated import ChildFailed, ChildPhoto, needs_a_child, prepare_in_child
from shop.media.renditions import make_photo

LIMIT_KB = 200 * 1024


def big_picture(size: tuple[int, int], mode: str = "RGBA") -> Image.Image:
    image = Image.new(mode, size, (240, 200, 120, 255)[: len(mode)])
    draw = ImageDraw.Draw(image)
    for n in range(0, size[0], 500):  # some detail, so it is not one flat colour
        draw.rectangle((n, n // 2, n + 250, n // 2 + 400), fill=(20, 90, 160, 200)[: len(mode)])
    return image


@pytest.fixture(scope="module")
def worst(tmp_path_factory):
    """The largest picture of each format the pipeline accepts (50 MP)."""
    folder = tmp_path_factory.mktemp("worst")
    files = {}
    png = big_picture((7000, 7000))
    files["png"] = folder / "worst.png"
    png.save(files["png"], "PNG", compress_level=1)
    files["webp"] = folder / "worst.webp"
    png.save(files["webp"], "WEBP", lossless=True, method=0)
    files["jpeg"] = folder / "worst.jpg"
    big_picture((8000, 6000), "RGB").save(files["jpeg"], "JPEG", quality=90)
    return files


def in_a_worker(app, photo) -> dict:
    settings = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "MEDIA_DIR", "SECRET_KEY", "JOBS_SQLITE_PATH")
    } | {"TESTING": True}
    done = subprocess.run(
        [sys.executable, "-m", "tests.media.upload_in_a_process", json.dumps(settings), str(photo)],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["png", "webp", "jpeg"])
def test_the_worst_accepted_picture_of_each_format_stays_under_200_mb(app, worst, kind):
    answer = in_a_worker(app, worst[kind])
    assert "refused" not in answer, answer
    assert answer["widths"] == [320, 640, 1280]
    assert answer["peak_kb"] < LIMIT_KB, f"{kind}: {answer['peak_kb'] // 1024} MB"


def test_the_child_makes_exactly_what_the_worker_would():
    picture = big_picture((5000, 3000))
    data = io.BytesIO()
    picture.save(data, "PNG", compress_level=1)
    opened = Image.open(io.BytesIO(data.getvalue()))
    assert needs_a_child(opened)  # 60 MB of decoded pixels
    here = make_photo(opened)
    there = prepare_in_child(data.getvalue())
    assert isinstance(there, ChildPhoto)
    assert (there.key, there.widths, there.width, there.height) == (
        here.key, here.widths, here.width, here.height,
    )  # fmt: skip
    assert dict(there.encode()).keys() == set(here.names())


def test_a_damaged_big_picture_is_refused_by_the_child():
    picture = big_picture((5000, 3000))
    data = io.BytesIO()
    picture.save(data, "PNG", compress_level=1)
    with pytest.raises(ChildFailed) as failure:
        prepare_in_child(data.getvalue()[: len(data.getvalue()) // 2])  # cut in half
    assert failure.value.reason == "damaged"


def test_small_pictures_and_every_jpeg_stay_in_the_worker():
    assert not needs_a_child(Image.new("RGBA", (2000, 2000)))
    jpeg = io.BytesIO()
    Image.new("RGB", (8000, 6000)).save(jpeg, "JPEG")
    assert not needs_a_child(Image.open(jpeg))  # decoded at reduced scale
