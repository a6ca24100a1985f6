"""The time "now" for rules that depend on it (opening hours at checkout).

Rules take `now` as an argument; views ask here. Tests, and browser tests driving a
live server, set ``app.config["CLOCK"]`` to a function returning an aware datetime,
so no test waits for, or depends on, the real time of day.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app


def now(app: Flask | None = None) -> datetime:
    """Now, as `app` (the current app by default) tells it."""
    clock = (app or current_app).config.get("CLOCK")
    return clock() if callable(clock) else datetime.now(UTC)
