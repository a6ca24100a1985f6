"""Where an uploaded file waits between its preview and the merchant's confirmation.

In the job files folder (shared by app servers and workers), under a name made of the
shop's id and an unguessable token: another shop's token finds nothing. The file is
copied whole or not at all, and refused past the size cap while it is still arriving.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from shop.jobs.files import files_dir, write_atomically
from shop.shops.imports.source import ImportRefused

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
CHUNK = 256 * 1024


def _folder() -> Path:
    return files_dir() / "imports"


def stage_upload(shop_id: int, stream: IO[bytes]) -> str:
    """Keep the upload for `shop_id`; its token. ImportRefused when too big or empty."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    token = secrets.token_urlsafe(24)

    def copy(target) -> None:
        size = 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise ImportRefused(
                    _("This file is larger than %(max)d MB.", max=limit // (1024 * 1024))
                )
            target.write(chunk)
        if size == 0:
            raise ImportRefused(_("This file is empty."))

    path = _folder() / f"{shop_id}-{token}.upload"
    try:
        write_atomically(path, copy)
    except ImportRefused:
        path.with_name(path.name + ".partial").unlink(missing_ok=True)
        raise
    return token


def staged_path(shop_id: int, token: str) -> Path | None:
    """The staged file of `shop_id` named by `token`, or None (gone, or not theirs)."""
    if not TOKEN.fullmatch(token or ""):
        return None
    path = _folder() / f"{shop_id}-{token}.upload"
    return path if path.is_file() else None


def open_staged(shop_id: int, token: str) -> IO[bytes] | None:
    path = staged_path(shop_id, token)
    return path.open("rb") if path else None


def remove_staged(shop_id: int, token: str) -> None:
    if (path := staged_path(shop_id, token)) is not None:
        path.with_suffix(".columns").unlink(missing_ok=True)
        path.with_suffix(".sheet").unlink(missing_ok=True)
        path.unlink(missing_ok=True)


def save_mapping(shop_id: int, token: str, mapping: list[str]) -> None:
    """Keep the merchant's column mapping beside the upload: the job reads it too."""
    path = staged_path(shop_id, token)
    if path is not None:
        data = json.dumps(mapping).encode()
        write_atomically(path.with_suffix(".columns"), lambda f: f.write(data))


def staged_mapping(shop_id: int, token: str) -> list[str] | None:
    """The mapping saved for that upload, or None (the headers' recognition)."""
    path = staged_path(shop_id, token)
    if path is None or not path.with_suffix(".columns").is_file():
        return None
    mapping = json.loads(path.with_suffix(".columns").read_text())
    return (
        mapping if isinstance(mapping, list) and all(isinstance(f, str) for f in mapping) else None
    )


def save_sheet(shop_id: int, token: str, sheet: int) -> None:
    """Keep the sheet of a workbook the merchant chose; the columns chosen for another
    sheet no longer fit, so they go."""
    path = staged_path(shop_id, token)
    if path is not None:
        path.with_suffix(".columns").unlink(missing_ok=True)
        data = str(sheet).encode()
        write_atomically(path.with_suffix(".sheet"), lambda f: f.write(data))


def forget_sheet(shop_id: int, token: str) -> None:
    if (path := staged_path(shop_id, token)) is not None:
        path.with_suffix(".sheet").unlink(missing_ok=True)


def staged_sheet(shop_id: int, token: str) -> int | None:
    """The sheet chosen for that upload, or None (not asked yet)."""
    path = staged_path(shop_id, token)
    if path is None or not path.with_suffix(".sheet").is_file():
        return None
    text = path.with_suffix(".sheet").read_text()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 6 else None


def prune_staged(older_than_seconds: float) -> int:
    """Remove uploads (and half-written ones) older than that: previews never confirmed."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
