"""Photo upload: a 12-megapixel phone photo through the app's pipeline and a naive one.

Two photos (upright, and EXIF orientation 6 as a phone held upright writes it, see
`photos.phone_photo`), each run several times through both pipelines, alternating,
every run in a fresh process (`upload_worker`) with an empty media folder. Time is
the median of the runs; memory is the median rise of the process's peak resident
set size (VmHWM) while it handled the photo, native (Pillow) buffers included.
Ratios are the app's figure over the naive pipeline's.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from . import photos
from .data import BenchData
from .report import Row, at_most
from .workspace import ROOT

TIME_RATIO, MEMORY_RATIO = 0.4, 0.6
WORST_PEAK_MB = 200  # the whole worker, for the largest picture of each format accepted
PIPELINES = ("real", "naive")
NAME = "Photo upload"


def run(data: BenchData, quick: bool = False) -> tuple[dict, list[Row]]:
    repeats = 2 if quick else 5
    ws = data.workspace
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=ws.root))
    results: dict = {"repeats": repeats}
    for label, orientation in (("upright", 1), ("rotated (EXIF 6)", 6)):
        photo = folder / f"phone-{orientation}.jpg"
        photo.write_bytes(photos.phone_photo(orientation))
        runs: dict[str, list[dict]] = {kind: [] for kind in PIPELINES}
        for n in range(repeats):
            for kind in PIPELINES if n % 2 == 0 else PIPELINES[::-1]:
                runs[kind].append(_one(data, kind, photo, folder / f"{kind}-{orientation}-{n}"))
        results[label] = {
            "photo_bytes": photo.stat().st_size,
            "runs": runs,
            **{
                kind: {
                    "seconds": statistics.median(r["seconds"] for r in runs[kind]),
                    "growth_kb": statistics.median(r["growth_kb"] for r in runs[kind]),
                    "peak_kb": statistics.median(r["peak_kb"] for r in runs[kind]),
                }
                for kind in PIPELINES
            },
        }
    results["worst"] = {
        kind: _one(data, "real", path, folder / f"worst-{kind}")
        for kind, path in _worst_pictures(folder).items()
    }
    return results, rows(results)


def _worst_pictures(folder: Path) -> dict[str, Path]:
    """The largest picture of each format the pipeline accepts: 49 MP PNG and WebP
    (decoded whole: no reduced decoding for them) and a 48 MP JPEG."""
    from PIL import Image, ImageDraw

    def picture(size: tuple[int, int], mode: str) -> Image.Image:
        image = Image.new(mode, size, (240, 200, 120, 255)[: len(mode)])
        draw = ImageDraw.Draw(image)
        for n in range(0, size[0], 500):
            draw.rectangle((n, n // 2, n + 250, n // 2 + 400), fill=(20, 90, 160, 200)[: len(mode)])
        return image

    files = {"PNG 49 MP": folder / "worst.png", "WebP 49 MP": folder / "worst.webp",
             "JPEG 48 MP": folder / "worst.jpg"}  # fmt: skip
    square = picture((7000, 7000), "RGBA")
    square.save(files["PNG 49 MP"], "PNG", compress_level=1)
    square.save(files["WebP 49 MP"], "WEBP", lossless=True, method=0)
    picture((8000, 6000), "RGB").save(files["JPEG 48 MP"], "JPEG", quality=90)
    return files


def _one(data: BenchData, kind: str, photo: Path, out: Path) -> dict:
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.upload_worker", kind, str(photo), str(out)],
        cwd=ROOT,
        env=data.workspace.env(MEDIA_DIR=str(out)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} pipeline failed: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows(results: dict) -> list[Row]:
    out = []
    for kind, run in results.get("worst", {}).items():
        peak_mb = run["peak_kb"] / 1024
        out.append(
            Row(
                NAME,
                f"worst accepted {kind}: the worker's peak memory",
                f"{peak_mb:.0f} MB",
                f"<= {WORST_PEAK_MB} MB",
                at_most(peak_mb, WORST_PEAK_MB),
            )
        )
    for label, result in results.items():
        if not isinstance(result, dict) or "real" not in result:
            continue
        real, naive = result["real"], result["naive"]
        time_ratio = real["seconds"] / naive["seconds"]
        memory_ratio = real["growth_kb"] / naive["growth_kb"] if naive["growth_kb"] else None
        out.append(
            Row(
                NAME,
                f"12 MP photo, {label}: time vs naive",
                f"{time_ratio:.2f}x ({real['seconds'] * 1000:.0f} ms vs "
                f"{naive['seconds'] * 1000:.0f} ms)",
                f"<= {TIME_RATIO}x",
                at_most(time_ratio, TIME_RATIO),
            )
        )
        out.append(
            Row(
                NAME,
                f"12 MP photo, {label}: peak memory vs naive",
                (f"{memory_ratio:.2f}x" if memory_ratio is not None else "-")
                + f" ({real['growth_kb'] / 1024:.0f} MiB vs {naive['growth_kb'] / 1024:.0f} MiB)",
                f"<= {MEMORY_RATIO}x",
                at_most(memory_ratio, MEMORY_RATIO),
            )
        )
    return out
