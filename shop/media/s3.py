"""Renditions in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, ...) through boto3.

Several app servers share one bucket, so a photo uploaded through one is served by
all. Objects are stored under their rendition name with their Content-Type and the
same year-long ``immutable`` Cache-Control the /media/ view sends, so a CDN or the
browser can take them straight from the bucket (MEDIA_BASE_URL).

The boto3 client is made on first use, never at import or app creation (the factory
stays free of network calls), once per process: a client made before a fork (a
gunicorn master with --preload) is not reused by the workers. boto3 clients are safe
to share between threads; only their creation needs the lock.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from shop.media.backend import IMMUTABLE, StorageError, checked_name
from shop.media.names import content_type

# A store that hangs must give up well inside gunicorn's 30-second worker timeout:
# two attempts of at most 3 + 5 seconds (the read timeout is between two reads, not
# for a whole download). Otherwise every worker waits on the store, pages that do not
# need it wait behind them, and gunicorn kills workers mid-request.
CONNECT_TIMEOUT = 3  # seconds
READ_TIMEOUT = 5
TOTAL_ATTEMPTS = 2  # the first try and one retry ("standard" mode)
MAX_POOL_CONNECTIONS = 32  # enough for a threaded worker
MISSING = {"404", "NoSuchKey", "NotFound"}


def client_config(*, path_style: bool) -> Config:
    """Timeouts and retries; path-style addressing for stores on their own endpoint."""
    options: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "read_timeout": READ_TIMEOUT,
        # total_max_attempts counts the first try; botocore's max_attempts would not.
        "retries": {"total_max_attempts": TOTAL_ATTEMPTS, "mode": "standard"},
        "max_pool_connections": MAX_POOL_CONNECTIONS,
        "user_agent_extra": "vitrina",
    }
    if path_style:
        # MinIO and most self-hosted stores do not answer at <bucket>.<host>.
        options["s3"] = {"addressing_style": "path"}
    if "request_checksum_calculation" in Config.OPTION_DEFAULTS:
        # botocore >= 1.36 adds CRC checksums to every upload by default, which some
        # S3-compatible stores refuse; send them only where the API requires them.
        options["request_checksum_calculation"] = "when_required"
        options["response_checksum_validation"] = "when_required"
    return Config(**options)


class S3File:
    """An object's body, read as it arrives from the store, and its length in bytes."""

    def __init__(self, body, length: int | None) -> None:
        self._body = body
        self.length = length

    def read(self, size: int = -1) -> bytes:
        try:
            return self._body.read(None if size is None or size < 0 else size)
        except BotoCoreError as error:  # the connection broke halfway
            raise StorageError(f"reading from the bucket failed: {error}") from error

    def close(self) -> None:
        self._body.close()

    def __enter__(self) -> S3File:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class S3Storage:
    """One bucket; an object per rendition, keyed by its name (no folders needed)."""

    def __init__(
        self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        self._client = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    @property
    def client(self):
        """The process's boto3 S3 client, made on first use (no network until then)."""
        if self._client is None or self._pid != os.getpid():
            with self._lock:
                if self._client is None or self._pid != os.getpid():
                    session = boto3.session.Session()  # reads AWS_ACCESS_KEY_ID & co.
                    self._client = session.client(
                        "s3",
                        endpoint_url=self.endpoint_url,
                        region_name=self.region,
                        config=client_config(path_style=bool(self.endpoint_url)),
                    )
                    self._pid = os.getpid()
        return self._client

    def save(self, name: str, data: bytes) -> None:
        """Upload in one request: the object appears whole or not at all."""
        self._call(
            "put_object",
            Bucket=self.bucket,
            Key=checked_name(name),
            Body=data,
            ContentType=content_type(name),
            CacheControl=IMMUTABLE,
        )

    def exists(self, name: str) -> bool:
        try:
            self._call("head_object", Bucket=self.bucket, Key=checked_name(name))
        except FileNotFoundError:
            return False
        return True

    def open(self, name: str) -> S3File:
        response = self._call("get_object", Bucket=self.bucket, Key=checked_name(name))
        return S3File(response["Body"], response.get("ContentLength"))

    def read(self, name: str) -> bytes:
        with self.open(name) as file:
            return file.read()

    def delete(self, name: str) -> None:
        """Remove the object; quiet when it is already gone (S3 deletes are idempotent)."""
        self._call("delete_object", Bucket=self.bucket, Key=checked_name(name))

    def ping(self) -> None:
        """Raise StorageError unless the bucket answers (for a readiness probe)."""
        try:
            self._call("head_bucket", Bucket=self.bucket)
        except FileNotFoundError as error:
            raise StorageError(f"bucket {self.bucket!r} does not exist") from error

    def _call(self, operation: str, **params):
        """Run one API call; a missing object is FileNotFoundError, any other failure
        (network, credentials, permissions, a store that stays down) StorageError."""
        try:
            return getattr(self.client, operation)(**params)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in MISSING:  # not NoSuchBucket: a missing bucket is a broken set-up
                raise FileNotFoundError(params.get("Key") or params["Bucket"]) from None
            raise StorageError(f"{operation} on bucket {self.bucket!r} failed: {code}") from error
        except BotoCoreError as error:
            raise StorageError(f"{operation} on bucket {self.bucket!r} failed: {error}") from error
