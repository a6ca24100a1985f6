"""Where a benchmark run lives: a temporary instance folder, its database and media.

The app finds everything through environment variables (VITRINA_INSTANCE_PATH,
DATABASE_URL, MEDIA_DIR), so the servers started as subprocesses and the app built
in this process see exactly the same data. The app runs with its production
settings (dummy sign-in credentials: no benchmark signs in).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Workspace:
    root: Path
    database_url: str
    redis_url: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @classmethod
    def create(
        cls,
        database_url: str | None = None,
        parent: Path | None = None,
        redis_url: str | None = None,
    ) -> Workspace:
        root = Path(tempfile.mkdtemp(prefix="vitrina-bench-", dir=parent))
        if database_url:
            reset_database(database_url)
        else:
            database_url = f"sqlite:///{root / 'bench.sqlite3'}"
        (root / "media").mkdir()
        return cls(root, database_url, redis_url)

    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    def settings(self) -> dict[str, str]:
        """The environment variables that point the app at this workspace."""
        redis = {"REDIS_URL": self.redis_url} if self.redis_url else {}
        return redis | {
            "VITRINA_ENV": "production",
            "VITRINA_INSTANCE_PATH": str(self.root),
            "DATABASE_URL": self.database_url,
            "MEDIA_DIR": str(self.media_dir),
            "SECRET_KEY": self.secret_key,
            # Production wants sign-in credentials; no benchmark signs in, so dummies do.
            "GOOGLE_CLIENT_ID": "vitrina-bench",
            "GOOGLE_CLIENT_SECRET": "vitrina-bench",
            "OIDC_DISCOVERY_URL": "http://127.0.0.1:9/.well-known/openid-configuration",
        }

    def env(self, **extra: str) -> dict[str, str]:
        """A complete environment for a subprocess (server, worker) of this run."""
        return {**os.environ, **self.settings(), **extra}

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def environ(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def create_app(workspace: Workspace, **extra: str):
    """The real app, configured exactly as the benchmark's servers are (plus `extra`)."""
    from shop import create_app as factory

    with environ({**workspace.settings(), **extra}):
        return factory()


def create_app_from_env():
    """The real app as a subprocess of the benchmark sees it (settings from the environment)."""
    from shop import create_app as factory

    return factory()


def reset_database(url: str) -> None:
    """Empty a PostgreSQL database for a run; only one whose name says it is for benchmarks."""
    name = urlsplit(url).path.lstrip("/")
    if not url.startswith("postgresql") or "bench" not in name:
        raise SystemExit(
            "--database-url must be a PostgreSQL database whose name contains 'bench' "
            f"(it is emptied first); got {name!r}."
        )
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
