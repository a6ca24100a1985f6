"""The beacon's events, held a moment in each worker and written in bulk.

Counting an event alone costs a transaction of four or five statements; a worker
taking hundreds a second would spend itself on them. So the beacon's fast path puts
each checked event (never an address or user agent: only the day's visitor hash) in
its worker's buffer, and a background thread writes the buffer at least every
FLUSH_SECONDS, or sooner once FLUSH_EVENTS wait: to Redis when the app counts there
(live.LiveCounts.count_many: one MULTI/EXEC round trip), else, or when Redis does not
answer, to the database with batch.count_batch in one transaction;
an exiting worker writes what is left (atexit: gunicorn's graceful stop, a deploy).

Bounds, said plainly (docs/analytics.md): a buffer holds at most MAX_EVENTS; beyond
that events are dropped and counted in `dropped` (a flood must not grow memory), and
a worker killed outright (SIGKILL, out of memory) loses what it had not written: at
most its last FLUSH_SECONDS of events. A flush that fails is retried once, then
dropped and counted. Apps under test write each event at once (no thread), so a test
reads what it just sent.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable

from flask import Flask

from shop.analytics.batch import count_batch
from shop.analytics.events import Checked
from shop.analytics.live import live_counts
from shop.extensions import db

EXTENSION = "vitrina.analytics_buffer"
FLUSH_SECONDS = 1.0
FLUSH_EVENTS = 500
MAX_EVENTS = 20_000  # ~3 MB of events; a busy worker writes a few hundred a second

log = logging.getLogger(__name__)


class EventBuffer:
    """One worker's events waiting to be written (see the module docstring)."""

    def __init__(self, app: Flask, *, write_through: bool | None = None) -> None:
        self.app = app
        self.write_through = app.testing if write_through is None else write_through
        self.max_events = MAX_EVENTS
        self.flush_events = FLUSH_EVENTS
        self.dropped = 0  # events refused because the buffer was full, or a flush failed
        self._reported = 0
        self._events: list[Checked] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._owner = 0  # the process whose thread writes (0: none yet; a fork starts anew)
        self._flush_lock = threading.Lock()
        self._write: Callable[[list[Checked]], None] = self._write_batch

    def add(self, checked: Checked) -> bool:
        """Take one event; False when the buffer is full (the event is dropped)."""
        if self.write_through:
            self._flush([checked])
            return True
        with self._lock:
            if len(self._events) >= self.max_events:
                self.dropped += 1
                return False
            self._events.append(checked)
            waiting = len(self._events)
        if self._owner != os.getpid():
            self._start()
        if waiting >= self.flush_events:
            self._wake.set()
        return True

    def __len__(self) -> int:
        return len(self._events)

    def flush(self) -> int:
        """Write every waiting event now; how many were written."""
        with self._lock:
            events, self._events = self._events, []
        written = self._flush(events)
        if self.dropped != self._reported:  # said once per flush, not once per event
            self._reported = self.dropped
            log.warning("analytics: %d events dropped so far (buffer full or writes failed)",
                        self.dropped)  # fmt: skip
        return written

    def _flush(self, events: list[Checked]) -> int:
        if not events:
            return 0
        with self._flush_lock:  # one writer per worker: batches land in order
            for attempt in (1, 2):
                try:
                    with self.app.app_context():
                        self._write(events)
                    return len(events)
                except Exception:  # a database that failed, or a batch it refused
                    log.warning("analytics flush failed (attempt %d)", attempt, exc_info=True)
        self.dropped += len(events)
        return 0

    def _write_batch(self, events: list[Checked]) -> None:
        live = live_counts(self.app)
        if live is not None and live.count_many(events):
            return
        try:
            count_batch(events)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise

    def _start(self) -> None:
        with self._lock:
            if self._owner == os.getpid():
                return
            self._owner = os.getpid()
            self._wake = threading.Event()
        thread = threading.Thread(target=self._run, name="analytics-flush", daemon=True)
        thread.start()
        atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # never let the writer die: the next second tries again
                log.exception("analytics flush")


def event_buffer(app: Flask) -> EventBuffer:
    """The app's buffer in this process (made on first use)."""
    buffer = app.extensions.get(EXTENSION)
    if buffer is None:
        buffer = app.extensions[EXTENSION] = EventBuffer(app)
    return buffer
