"""Where renditions live: a small interface, with the local disk as the first backend.

Everything else in the app goes through get_storage(), so a shared object store
(several app servers) can be added behind the same few methods without touching
the pipeline or the views. Only names that shop.media.names makes are accepted,
so no caller can reach outside the media folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

from .names import is_valid_name


class Storage(Protocol):
    """What the pipeline and the /media/ view need from a place to keep files."""

    def save(self, name: str, data: bytes) -> None: ...

    def exists(self, name: str) -> bool: ...

    def open(self, name: str) -> BinaryIO:
        """A binary file positioned at the start; FileNotFoundError when missing."""
        ...

    def read(self, name: str) -> bytes: ...

    def delete(self, name: str) -> None: ...


def _checked(name: str) -> str:
    if not is_valid_name(name):
        raise ValueError(f"not a media file name: {name!r}")
    return name


class LocalStorage:
    """Files under one folder, spread over 256 sub-folders by the hash's first two digits.

    Writes go to a temporary file in the same folder and are renamed into place, so a
    reader (or a second server writing the same name) never sees half a file.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        """Where `name` lives on disk (it may not exist yet)."""
        return self.root / _checked(name)[:2] / name

    def save(self, name: str, data: bytes) -> None:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temp, 0o644)  # mkstemp makes 0600; a front web server may serve these
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def open(self, name: str) -> BinaryIO:
        return self.path(name).open("rb")

    def read(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)


def get_storage() -> Storage:
    """The current app's media storage (one object per app and folder)."""
    root = current_app.config["MEDIA_DIR"]
    cached = current_app.extensions.get("vitrina_media_storage")
    if cached is None or cached.root != Path(root):
        cached = LocalStorage(root)
        current_app.extensions["vitrina_media_storage"] = cached
    return cached
