"""Run as a separate process by the upload memory test: build the app from the settings
given as JSON in argv[1], put the photo at argv[2] through the upload pipeline for a new
shop and print the process's peak resident memory (VmHWM) and what was stored."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from shop import create_app
from shop.extensions import db
from shop.media.pipeline import ImageRejected, ingest
from tests import factories


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def main() -> None:
    settings, photo = json.loads(sys.argv[1]), Path(sys.argv[2])
    app = create_app(settings)
    with app.test_request_context():
        shop = factories.make_shop(factories.make_user())
        db.session.flush()
        try:
            image = ingest(shop, io.BytesIO(photo.read_bytes()))
            answer = {"key": image.key, "widths": image.widths, "size": [image.width, image.height]}
        except ImageRejected as refusal:
            answer = {"refused": str(refusal)}
        db.session.rollback()
    print(json.dumps(answer | {"peak_kb": peak_kb()}))


if __name__ == "__main__":
    main()
