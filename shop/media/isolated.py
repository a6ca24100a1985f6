"""Pictures too big to decode in the worker are decoded by a child process with a memory
ceiling, so no upload can take an app server's memory past its budget.

A JPEG is decoded at reduced scale (libjpeg's DCT scaling, see renditions.make_photo),
so even a 48 MP phone photo costs a few tens of MB. PNG and WebP have no such mode: a
7000 x 7000 PNG of 190 KB decodes to 196 MB, and resizing it doubles that. Those above
IN_PROCESS_BYTES of decoded pixels go to `python -m shop.media.isolated`, which sets its
own address-space limit (CHILD_MEMORY_BYTES) first, makes every output and hands back
the encoded bytes; the worker only ever holds the upload and the outputs. At most one
child runs per worker process at a time (CHILDREN_PER_PROCESS), so a machine's worst
case is its number of workers times the ceiling. A child that runs out of memory or
time gives a refusal, never a crash of the worker.
"""

from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image as PILImage

IN_PROCESS_BYTES = 48 * 1024 * 1024
CHILD_MEMORY_BYTES = 1536 * 1024 * 1024
CHILD_SECONDS = 60
CHILDREN_PER_PROCESS = 1
_children = threading.BoundedSemaphore(CHILDREN_PER_PROCESS)
BANDS = {"1": 1, "L": 1, "P": 1, "RGB": 3, "YCbCr": 3, "LAB": 3, "HSV": 3, "CMYK": 4}


class ChildFailed(Exception):
    """The child refused the picture: `reason` is "damaged" or "memory"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decoded_bytes(image: PILImage.Image) -> int:
    """What decoding `image` at full size holds in memory (16-bit and alpha included)."""
    bands = BANDS.get(image.mode, 4)
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        bands = 4
    return image.width * image.height * bands


def needs_a_child(image: PILImage.Image) -> bool:
    return image.format not in ("JPEG", "MPO") and decoded_bytes(image) > IN_PROCESS_BYTES


@dataclass
class ChildPhoto:
    """What the child made: the same facts and names as a renditions.Photo, encoded."""

    width: int
    height: int
    widths: tuple[int, ...]
    key: str
    outputs: dict[str, bytes]

    def names(self) -> list[str]:
        return list(self.outputs)

    def encode(self, wanted: set[str] | None = None) -> Iterator[tuple[str, bytes]]:
        for name, data in self.outputs.items():
            if wanted is None or name in wanted:
                yield name, data


def prepare_in_child(data: bytes) -> ChildPhoto:
    """Decode and encode `data` in a child process; ChildFailed when it cannot."""
    with _children:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "shop.media.isolated"],
                input=data,
                capture_output=True,
                timeout=CHILD_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ChildFailed("memory") from None
    head, _, body = done.stdout.partition(b"\n")
    try:
        answer = json.loads(head or b"{}")
    except ValueError:
        answer = {}
    if done.returncode != 0 or "key" not in answer:
        raise ChildFailed(answer.get("error", "memory"))
    outputs, offset = {}, 0
    for name, size in zip(answer["names"], answer["sizes"], strict=True):
        outputs[name] = body[offset : offset + size]
        offset += size
    return ChildPhoto(
        answer["width"], answer["height"], tuple(answer["widths"]), answer["key"], outputs
    )


def main() -> None:
    """The child: stdin is the upload, stdout a JSON line and the outputs' bytes."""
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    from shop.media.renditions import make_photo

    out = sys.stdout.buffer
    try:
        image = PILImage.open(io.BytesIO(sys.stdin.buffer.read()), formats=("PNG", "WEBP"))
        photo = make_photo(image)
        outputs = list(photo.encode())
    except MemoryError:
        out.write(json.dumps({"error": "memory"}).encode() + b"\n")
        sys.exit(1)
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError,
            struct.error, zlib.error):  # fmt: skip
        out.write(json.dumps({"error": "damaged"}).encode() + b"\n")
        sys.exit(1)
    head = {
        "width": photo.width,
        "height": photo.height,
        "widths": list(photo.widths),
        "key": photo.key,
        "names": [name for name, _ in outputs],
        "sizes": [len(data) for _, data in outputs],
    }
    out.write(json.dumps(head).encode() + b"\n")
    for _, data in outputs:
        out.write(data)
    out.flush()


if __name__ == "__main__":
    main()
