"""One photo through one pipeline in a fresh process: prints its time and peak memory.

`python -m benchmarks.upload_worker real|naive PHOTO OUT_DIR` (the environment points
the app at the benchmark's workspace). Each run gets a process of its own, so no
other photo's memory is counted. Both pipelines first process a small photo, so
what is timed is the work of a warm server, not imports and codec start-up.
Memory: the peak is reset just before the photo (/proc/self/clear_refs), and the
figure is how far the peak resident set size (VmHWM) then rose above what the
process held (the photo's bytes already read).
"""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

from PIL import Image, ImageOps

SIZES = (320, 640, 1280)
PREVIEW = (1200, 630)


def naive(data: bytes, out: Path) -> None:
    """What most tutorials do: decode it all, turn it, LANCZOS from the full size each time."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    for width in SIZES:
        height = round(width * image.height / image.width)
        image.resize((width, height), Image.Resampling.LANCZOS).save(
            out / f"naive-{width}.webp", "WEBP", quality=80
        )
    ImageOps.fit(image.convert("RGB"), PREVIEW, Image.Resampling.LANCZOS).save(
        out / "naive-og.jpg", "JPEG", quality=85, optimize=True
    )


def real_pipeline():
    """The app's own upload path: `ingest` in an app context, as the item form calls it."""
    from benchmarks.workspace import create_app_from_env
    from shop.extensions import db
    from shop.media.pipeline import ingest
    from shop.models import Shop

    app = create_app_from_env()
    context = app.app_context()
    context.push()
    shop = db.session.query(Shop).order_by(Shop.id).first()

    def process(data: bytes, out: Path) -> None:
        ingest(shop, io.BytesIO(data))
        db.session.rollback()  # leave the benchmark's database as it was

    return process


def memory_kb(field: str) -> int:
    """VmHWM (peak) or VmRSS (now) of this process, in KiB, from /proc/self/status.

    Not ru_maxrss: after fork and exec it still carries the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> None:
    """Make the peak (VmHWM) start again from the current size (Linux 4.0 and later)."""
    Path("/proc/self/clear_refs").write_text("5")


def main(argv: list[str]) -> None:
    kind, photo, out = argv
    out_dir = Path(out)
    process = naive if kind == "naive" else real_pipeline()
    warm = io.BytesIO()
    small = Image.open(photo)
    if small.format == "JPEG":
        small.draft("RGB", (small.width // 8, small.height // 8))  # never decode it all here
        small.convert("RGB").save(warm, "JPEG")
    else:  # no reduced decoding: warm up on a small picture of our own
        Image.new("RGB", (640, 480), (200, 120, 40)).save(warm, "JPEG")
    process(warm.getvalue(), out_dir)
    data = Path(photo).read_bytes()
    reset_peak()
    before = memory_kb("VmRSS")
    started = time.perf_counter()
    process(data, out_dir)
    seconds = time.perf_counter() - started
    peak = memory_kb("VmHWM")
    print(json.dumps({"seconds": seconds, "peak_kb": peak, "before_kb": before,
                      "growth_kb": peak - before}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
