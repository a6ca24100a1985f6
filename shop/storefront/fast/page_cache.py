"""Rendered public pages, kept so a repeated request costs one small query and no rendering.

A page's key names everything it depends on (see caching.page_key): the app version,
the shop, its catalog_version, its language, the page and the site's address. Every
change a shopper could see bumps catalog_version, so the very next request asks for a
key that does not exist yet and the page is rendered afresh: nothing is invalidated
by hand and a stale page cannot be served. Old entries simply age out.

Where pages are kept (the PAGE_CACHE setting):
- ``redis``: in Redis at REDIS_URL, shared by every app server (the default when
  REDIS_URL is set). If Redis stops answering, pages are rendered as if nothing were
  cached, and Redis is tried again a few seconds later.
- ``disk``: a small LRU in this process in front of a cache on the machine's disk
  (diskcache, in PAGE_CACHE_DIR), which the machine's gunicorn workers share (the
  default without REDIS_URL): after a catalog change one worker renders the page and
  the others read it, instead of each rendering it once.
- ``local``: in this process only, a small LRU bounded in bytes (keys never go stale,
  so processes cannot disagree; they only each render once).
- ``off``: nothing is kept (the default in debug and TESTING apps: templates change
  under a dev server, and tests change rows behind the catalog's back; the page
  cache's own tests turn it on).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import OrderedDict
from typing import NamedTuple, Protocol

from flask import current_app

log = logging.getLogger(__name__)

EXTENSION = "vitrina.page_cache"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_TTL = 24 * 3600  # seconds; a key is never stale, this only frees memory
REDIS_TIMEOUT = 0.25  # seconds; a slow cache must not slow the page down
REDIS_RETRY_AFTER = 5.0  # seconds without Redis after it failed
DISK_BYTES_PER_MEMORY_BYTE = 8  # the shared disk cache holds more than one process's LRU


class Page(NamedTuple):
    """A kept response: its headers (no ETag, no Content-Length) and its body."""

    headers: tuple[tuple[str, str], ...]
    body: bytes

    def dumps(self) -> bytes:
        return json.dumps(self.headers).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, data: bytes) -> Page:
        head, _, body = data.partition(b"\n")
        return cls(tuple(tuple(pair) for pair in json.loads(head)), body)


class PageStore(Protocol):
    def get(self, key: str) -> Page | None: ...

    def put(self, entries: dict[str, Page]) -> None: ...


class NoPages:
    """Keeps nothing: every request renders."""

    def get(self, key: str) -> Page | None:
        return None

    def put(self, entries: dict[str, Page]) -> None:
        return None


class LocalPages:
    """A least-recently-used store in this process, bounded by the bytes it holds."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Page] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Page | None:
        with self._lock:
            page = self._entries.get(key)
            if page is not None:
                self._entries.move_to_end(key)
            return page

    def put(self, entries: dict[str, Page]) -> None:
        with self._lock:
            for key, page in entries.items():
                if len(page.body) > self.max_bytes // 4:
                    continue  # one huge page must not push out every other shop
                old = self._entries.pop(key, None)
                if old is not None:
                    self._size -= len(old.body)
                self._entries[key] = page
                self._size += len(page.body)
            while self._size > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)


class RedisPages:
    """Pages in Redis, shared by every app server, each key expiring after `ttl` seconds."""

    def __init__(self, url: str, prefix: str = "vitrina:", ttl: int = DEFAULT_TTL) -> None:
        import redis  # only needed when Redis is configured

        self.prefix = prefix
        self.ttl = ttl
        self._errors = redis.RedisError
        self._client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        self._down_until = 0.0

    def get(self, key: str) -> Page | None:
        if self._is_down():
            return None
        try:
            data = self._client.get(self.prefix + key)
        except self._errors as error:
            self._failed(error)
            return None
        return None if data is None else Page.loads(data)

    def put(self, entries: dict[str, Page]) -> None:
        if self._is_down():
            return
        try:
            with self._client.pipeline(transaction=False) as pipe:
                for key, page in entries.items():
                    pipe.set(self.prefix + key, page.dumps(), ex=self.ttl)
                pipe.execute()
        except self._errors as error:
            self._failed(error)

    def _is_down(self) -> bool:
        return self._down_until > time.monotonic()

    def _failed(self, error: Exception) -> None:
        log.warning("Page cache: Redis is not answering (%s); rendering pages meanwhile.", error)
        self._down_until = time.monotonic() + REDIS_RETRY_AFTER


class DiskPages:
    """Pages in a diskcache folder shared by this machine's processes, bounded in bytes
    (least recently stored go first), with a LocalPages in front so a repeated page
    never leaves memory."""

    def __init__(self, folder: str, max_bytes: int, local: LocalPages) -> None:
        import diskcache  # only needed when this store is used

        self.local = local
        self._errors = (OSError, diskcache.Timeout)
        self._disk = diskcache.Cache(folder, size_limit=max_bytes, timeout=REDIS_TIMEOUT)

    def get(self, key: str) -> Page | None:
        page = self.local.get(key)
        if page is not None:
            return page
        try:
            data = self._disk.get(key)
        except self._errors as error:  # a full or busy disk: render instead
            log.warning("Page cache: the disk cache failed (%s); rendering.", error)
            return None
        if data is None:
            return None
        page = Page.loads(data)
        self.local.put({key: page})
        return page

    def put(self, entries: dict[str, Page]) -> None:
        self.local.put(entries)
        try:
            for key, page in entries.items():
                self._disk.set(key, page.dumps(), expire=DEFAULT_TTL)
        except self._errors as error:
            log.warning("Page cache: the disk cache failed (%s); kept in memory only.", error)


def setting(app, name: str, default: str | None = None) -> str | None:
    """A setting from the app's config, else from the environment (REDIS_URL, PAGE_CACHE)."""
    value = app.config.get(name)
    return os.environ.get(name, default) if value is None else value


def make_store(app) -> PageStore:
    """The store the settings ask for (see the module's docstring)."""
    redis_url = setting(app, "REDIS_URL")
    kind = (setting(app, "PAGE_CACHE") or "").strip().lower()
    if not kind:
        kind = "off" if app.debug or app.testing else ("redis" if redis_url else "disk")
    if kind == "off":
        return NoPages()
    if kind == "redis":
        if not redis_url:
            raise RuntimeError("PAGE_CACHE=redis needs REDIS_URL (e.g. redis://127.0.0.1:6379/0).")
        return RedisPages(
            redis_url,
            prefix=setting(app, "PAGE_CACHE_PREFIX", "vitrina:") or "",
            ttl=int(setting(app, "PAGE_CACHE_TTL", str(DEFAULT_TTL))),
        )
    max_bytes = int(setting(app, "PAGE_CACHE_MAX_BYTES", str(DEFAULT_MAX_BYTES)))
    if kind == "local":
        return LocalPages(max_bytes)
    if kind == "disk":
        folder = setting(app, "PAGE_CACHE_DIR") or os.path.join(app.instance_path, "page-cache")
        return DiskPages(folder, DISK_BYTES_PER_MEMORY_BYTE * max_bytes, LocalPages(max_bytes))
    raise RuntimeError("PAGE_CACHE must be one of redis, disk, local or off.")


def pages(app=None) -> PageStore:
    """This app's page store, made on first use."""
    app = app or current_app._get_current_object()
    store = app.extensions.get(EXTENSION)
    if store is None:
        store = app.extensions[EXTENSION] = make_store(app)
    return store
