"""What every media storage backend offers and shares: the interface, its error, and the
names it accepts (only names shop.media.names makes, so no caller can reach outside the
media folder or the bucket)."""

from __future__ import annotations

from typing import BinaryIO, Protocol

from shop.media.names import is_valid_name

# Names are content hashes: the bytes behind one never change, so anyone may keep them.
IMMUTABLE = "public, max-age=31536000, immutable"


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
