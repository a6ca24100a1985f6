"""The default media storage: a folder on this machine (zero set-up, one server)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from shop.media.backend import StorageError, checked_name


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
