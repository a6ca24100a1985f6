"""Where renditions live: a small interface with two backends, chosen by MEDIA_STORAGE.

Everything else in the app goes through get_storage(): the local folder (the
default, zero set-up) or an S3-compatible bucket (shop.media.s3) that several app
servers share. Only names that shop.media.names makes are accepted, so no caller
can reach outside the media folder or the bucket.
"""

from __future__ import annotations

import threading

from flask import current_app

from shop.media.backend import IMMUTABLE, Storage, StorageError, checked_name
from shop.media.local import LocalStorage

__all__ = ["IMMUTABLE", "LocalStorage", "Storage", "StorageError", "checked_name", "get_storage"]

BACKENDS = ("local", "s3")
_EXTENSION_KEY = "vitrina_media_storage"
_create_lock = threading.Lock()


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
        from shop.media.s3 import S3Storage  # boto3 is imported only by apps that use it

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
