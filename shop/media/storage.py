"""Where renditions live: a small interface with two backends, chosen by MEDIA_STORAGE.

Everything else in the app goes through get_storage(): the local folder (the
default, zero set-up) or an S3-compatible bucket (shop.media.s3) that several app
servers share. Only names that shop.media.names makes are accepted, so no caller
can reach outside the media folder or the bucket.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

from .names import is_valid_name

# Names are content hashes: the bytes behind one never change, so anyone may keep them.
IMMUTABLE = "public, max-age=31536000, immutable"
BACKENDS = ("local", "s3")
_EXTENSION_KEY = "vitrina_media_storage"
_create_lock = threading.Lock()


class StorageError(OSError):
    """The store could not be reached or refused the request (not a missing file)."""


class Storage(Protocol):
    """What the pipeline and the /media/ view need from a place to keep files."""

    def save(self, name: str, data: bytes) -> None: ...

    def exists(self, name: str) -> bool: ...

    def open(self, name: str) -> BinaryIO:
        """A binary file positioned at the start; FileNotFoundError when missing."""
        ...

    def read(self, name: str) -> bytes: ...

    def delete(self, name: str) -> None: ...

    def ping(self) -> None:
        """Raise StorageError unless the store can be used (for a readiness probe)."""
        ...


def checked_name(name: str) -> str:
    """`name` itself when the pipeline could have made it; ValueError otherwise."""
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
        return self.root / checked_name(name)[:2] / name

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

    def ping(self) -> None:
        """The folder (or, before the first upload, the folder it will be made in) is
        writable."""
        folder = self.root
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
            raise StorageError(f"media folder {self.root} is not writable")


def _settings(config) -> tuple:
    """What the storage object depends on: a new one is made when any of it changes."""
    backend = (config.get("MEDIA_STORAGE") or "local").lower()
    if backend == "s3":
        return ("s3", *(config.get(key) for key in ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION")))
    if backend == "local":
        return ("local", str(config["MEDIA_DIR"]))
    raise ValueError(f"MEDIA_STORAGE must be one of {', '.join(BACKENDS)}, not {backend!r}")


def _make(settings: tuple) -> Storage:
    if settings[0] == "s3":
        from .s3 import S3Storage  # boto3 is imported only by apps that use it

        _backend, bucket, endpoint_url, region = settings
        if not bucket:
            raise ValueError("MEDIA_STORAGE=s3 needs S3_BUCKET")
        return S3Storage(bucket, endpoint_url=endpoint_url, region=region)
    return LocalStorage(settings[1])


def get_storage() -> Storage:
    """The current app's media storage: one object (so one S3 client) per app.

    Made on first use, not when the app is created, and made again only if the
    settings it depends on change (tests switch an app to another bucket).
    """
    settings = _settings(current_app.config)
    cached = current_app.extensions.get(_EXTENSION_KEY)
    if cached is None or cached[0] != settings:
        with _create_lock:
            cached = current_app.extensions.get(_EXTENSION_KEY)
            if cached is None or cached[0] != settings:
                cached = (settings, _make(settings))
                current_app.extensions[_EXTENSION_KEY] = cached
    return cached[1]
